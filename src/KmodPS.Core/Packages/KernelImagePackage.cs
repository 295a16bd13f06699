
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Packages;

/// <summary>
/// Which repository packages stand for an installable kernel release, and which release: the packages
/// Test-KernelUpdate takes its repository candidates from (<c>kernel-core</c>; <c>kernel</c> where there is
/// no kernel-core, as on EL7) and Debian/Ubuntu's versioned <c>linux-image-*</c> packages.
/// </summary>
internal static class KernelImagePackage
{
    private static readonly string[] RpmNames = { "kernel-core", "kernel" };

    /// <summary>True for the names <see cref="RpmRelease"/> may give a release for (kernel-core, kernel, SUSE's flavour images).</summary>
    public static bool IsRpmImageName(string name) => RpmNames.Contains(name, StringComparer.Ordinal) || RpmKernelPackages.IsSuseImage(name);

    /// <summary>
    /// <c>version-release.arch</c> for a kernel package of a concrete architecture; SUSE's <c>uname -r</c> for its
    /// flavour packages (<c>kernel-default 6.4.0-150600.23.25.1</c> is <c>6.4.0-150600.23.25-default</c>); null for
    /// other packages and source rpms.
    /// </summary>
    public static string? RpmRelease(string name, string? version, string? release, string? arch)
    {
        if (!RpmNames.Contains(name, StringComparer.Ordinal))
        {
            return SuseRelease(name, version, release, arch);
        }
        var kernel = RpmKernelPackages.KernelVersionOf(name, version, release, arch);
        return kernel is not null && KernelRelease.Arch(kernel) is not null && KernelRelease.IsValid(kernel) ? kernel : null;
    }

    private static string? SuseRelease(string name, string? version, string? release, string? arch)
    {
        if (version is null || release is null || arch is null or "src" or "nosrc" || !RpmKernelPackages.IsSuseImage(name) || !RpmKernelPackages.IsSuseRelease(release))
        {
            return null;
        }
        var kernel = RpmKernelPackages.SuseKernelVersion(new RpmPackage(name, "0", version, release, arch));
        return KernelRelease.IsValid(kernel) ? kernel : null;
    }

    /// <summary>
    /// The release of a versioned kernel image (<c>linux-image-6.1.0-57-amd64</c>, <c>linux-image-unsigned-5.15.0-91-generic</c>);
    /// null for metapackages (<c>linux-image-amd64</c>) and debug symbols (<c>-dbg</c>, <c>-dbgsym</c>).
    /// </summary>
    public static string? DebianRelease(string name)
    {
        if (!name.StartsWith("linux-image-", StringComparison.Ordinal) || name.EndsWith("-dbg", StringComparison.Ordinal) || name.EndsWith("-dbgsym", StringComparison.Ordinal))
        {
            return null;
        }
        var kernel = DebianKernelPackages.KernelVersionOf(name);
        return KernelRelease.IsValid(kernel) ? kernel : null;
    }
}
