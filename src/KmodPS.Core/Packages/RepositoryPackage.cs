namespace KmodPS.Core.Packages;

/// <summary>A package the package manager offers (or has installed), with the dependency facts KmodPS needs.</summary>
public sealed record RepositoryPackage(string Name, string Version, string Release, string Arch, string Repository, IReadOnlyList<string> Requires, IReadOnlyList<string> Provides)
{
    /// <summary><c>version-release.arch</c>: the kernel release string for kernel packages.</summary>
    public string KernelRelease => $"{Version}-{Release}.{Arch}";

    public string Nevra => $"{Name}-{Version}-{Release}.{Arch}";
}
