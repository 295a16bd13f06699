namespace KmodPS.Core.Guard;

/// <summary>What Uninstall-KernelUpdateGuard will do, as data.</summary>
/// <param name="Deletes">Hook files to delete (they exist and carry KmodPS's marker).</param>
/// <param name="Kept">Recorded hook paths whose file is no longer KmodPS's, left alone (with why).</param>
/// <param name="DeleteState">Delete the state file (the install created it).</param>
/// <param name="State">Otherwise, the state to write back without the installation record (null: leave the file).</param>
/// <param name="RemoveDirectories">Directories the install created, removed when empty, deepest first.</param>
public sealed record GuardUninstallPlan(
    IReadOnlyList<string> Deletes,
    IReadOnlyList<string> Kept,
    bool DeleteState,
    GuardState? State,
    IReadOnlyList<string> RemoveDirectories)
{
    public bool IsNoOp => Deletes.Count == 0 && !DeleteState && State is null;

    public IEnumerable<string> Describe() =>
        Deletes.Select(d => $"delete {d}")
            .Concat(DeleteState ? new[] { $"delete {GuardLayout.StatePath} (created by the install)" } : Array.Empty<string>())
            .Concat(State is not null ? new[] { $"remove the installation record from {GuardLayout.StatePath}" } : Array.Empty<string>())
            .Concat(RemoveDirectories.Select(d => $"remove directory {d} if empty (created by the install)"));
}
