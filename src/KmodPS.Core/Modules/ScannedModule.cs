namespace KmodPS.Core.Modules;

/// <summary>An out-of-tree module file found in a kernel's module tree, read or failed to read.</summary>
public sealed record ScannedModule(string KernelVersion, string Path, ModuleLocation Location, string? LinkTarget, ModuleFileInfo? Info, string? Error)
{
    /// <summary>The name modprobe and DKMS use: the file name (the .modinfo name agrees for every sane build).</summary>
    public string Name => ModuleFileInfo.NameFromPath(Path);
}
