namespace KmodPS.Core.Boot;

/// <summary>The facts the default-kernel planner decides on.</summary>
/// <param name="Programs">Which boot tools are installed (name to path), e.g. grubby, grub2-editenv, grub-editenv, bootctl.</param>
/// <param name="GrubDefaultFileText">The text of the file that sets GRUB_DEFAULT, when it has to be edited.</param>
/// <param name="ToolPaths">Real paths to hand to boot tools for tree paths (grubenv, /boot), resolved inside the root
/// with no link left (<see cref="KmodPS.Core.Platform.RootJail.ToolPath"/>); a path not in it is mapped plainly.</param>
internal sealed record DefaultKernelRequest(
    string KernelVersion,
    BootEntry Entry,
    BootLoaderSetup Setup,
    bool Once,
    bool Force,
    bool IsHostRoot,
    string RootPath,
    IReadOnlyDictionary<string, string> Programs,
    string? GrubDefaultFileText,
    IReadOnlyDictionary<string, string>? ToolPaths = null)
{
    /// <summary>The path on this machine a tool is given for <paramref name="treePath"/>.</summary>
    public string ToolPath(string treePath) =>
        ToolPaths?.GetValueOrDefault(treePath) ?? (IsHostRoot ? treePath : KmodPS.Core.Platform.TreePath.Combine(RootPath, treePath));
}
