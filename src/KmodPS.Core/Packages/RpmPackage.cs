namespace KmodPS.Core.Packages;

/// <summary>An installed RPM package (from one <c>rpm -qa</c>).</summary>
public sealed record RpmPackage(string Name, string Epoch, string Version, string Release, string Arch)
{
    /// <summary><c>version-release</c>: the kernel release without architecture for kernel packages.</summary>
    public string VersionRelease => $"{Version}-{Release}";

    /// <summary><c>version-release.arch</c>: what <c>uname -r</c> prints for RHEL-family kernels.</summary>
    public string VersionReleaseArch => $"{Version}-{Release}.{Arch}";

    /// <summary><c>name-epoch:version-release.arch</c>, the argument of one <c>dnf versionlock add</c>.</summary>
    public string Nevra => $"{Name}-{Epoch}:{Version}-{Release}.{Arch}";

    /// <summary>What dnf 5 writes as the <c>evr</c> value (epoch omitted when 0).</summary>
    public string Evr => Epoch is "0" or "" ? VersionRelease : $"{Epoch}:{VersionRelease}";

    /// <summary>The line the dnf 4 versionlock plugin writes for this package (its <c>pkgtup2spec</c>: arch as <c>*</c>).</summary>
    public string VersionlockSpec => $"{Name}-{(Epoch.Length == 0 ? "0" : Epoch)}:{Version}-{Release}.*";
}
