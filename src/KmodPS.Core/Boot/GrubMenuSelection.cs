namespace KmodPS.Core.Boot;

/// <summary>
/// The entry GRUB's <c>default</c> selects, or why it selects none. <paramref name="Path"/> is the chain of menu items
/// from the top (submenus, then the entry).
/// </summary>
internal sealed record GrubMenuSelection(IReadOnlyList<GrubMenuNode> Path, string? Failure)
{
    public GrubMenuNode? Entry => Failure is null && Path.Count > 0 ? Path[^1] : null;
}
