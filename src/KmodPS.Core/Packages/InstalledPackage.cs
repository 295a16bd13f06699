namespace KmodPS.Core.Packages;

/// <summary>
/// One installed package as the package database records it. For RPM, <see cref="Spec"/> is the NEVRA dnf takes
/// (<c>kernel-core-5.14.0-611.45.1.el9_7.x86_64</c>); for Debian it is the package name.
/// </summary>
/// <param name="Requires">
/// What the package needs: RPM requirements as (name, flags, version) triples; Debian <c>Depends</c>/<c>Pre-Depends</c>
/// clauses, each clause being its alternatives (the clause is broken when all of them go).
/// </param>
public sealed record InstalledPackage(
    string Name,
    string? Epoch,
    string Version,
    string? Release,
    string? Arch,
    IReadOnlyList<PackageRequirement> Requires,
    bool IsHeld = false)
{
    /// <summary>True for a package of the rpm database (it has a release and an architecture).</summary>
    public bool IsRpm => Release is not null;

    /// <summary>version-release.arch: for a kernel package, the kernel release it belongs to.</summary>
    public string? VersionReleaseArch => IsRpm ? $"{Version}-{Release}.{Arch}" : null;

    /// <summary>What the package manager is given: the NEVRA (without a zero epoch) for RPM, the name for Debian.</summary>
    public string Spec => IsRpm ? $"{Name}-{(Epoch is null or "0" ? string.Empty : Epoch + ":")}{Version}-{Release}.{Arch}" : Name;

    /// <summary>name-epoch:version-release.arch, as dnf's versionlock list spells a package.</summary>
    public string EpochSpec => IsRpm ? $"{Name}-{Epoch ?? "0"}:{Version}-{Release}.{Arch}" : Name;

    public override string ToString() => Spec;
}
