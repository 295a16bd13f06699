using System.Text.RegularExpressions;
using KmodPS.Kernels;

namespace KmodPS.Packages;

/// <summary>Which RPM packages belong to a kernel release: found from the package database, never a fixed list.</summary>
public static partial class RpmKernelPackages
{
    /// <summary>True for <c>kernel</c>, <c>kernel-*</c> and name patterns such as <c>kernel*</c>.</summary>
    public static bool IsKernelName(string name) => KernelName().IsMatch(name);

    /// <summary>
    /// The installed subpackages of a release: a name that is <c>kernel</c> or starts with <c>kernel-</c>, and whose
    /// version-release (or version-release.arch) is the release. SUSE kernels (<c>5.14.21-150500.55.39-default</c>)
    /// are matched through their flavour package (<c>kernel-default</c>, version-release with the build counter).
    /// </summary>
    public static IReadOnlyList<RpmPackage> OfRelease(IEnumerable<RpmPackage> installed, string kernelVersion)
    {
        var all = installed.Where(p => IsKernelName(p.Name)).ToList();
        var versionRelease = KernelRelease.WithoutArch(kernelVersion);
        var arch = KernelRelease.Arch(kernelVersion);
        var direct = all.Where(p => p.VersionRelease == versionRelease && (arch is null || p.Arch == arch || p.Arch == "noarch")).ToList();
        if (direct.Count > 0)
        {
            return direct.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        }
        var suse = all.Where(p => SuseKernelVersion(p) == kernelVersion).ToList();
        if (suse.Count == 0)
        {
            return suse;
        }
        // kernel-devel, kernel-source, kernel-macros of the same version-release belong to it too.
        var versionReleases = suse.Select(p => p.VersionRelease).ToHashSet(StringComparer.Ordinal);
        return all.Where(p => versionReleases.Contains(p.VersionRelease)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The kernel release a package concerns: <c>version-release</c> plus <c>.arch</c> when the arch is concrete;
    /// for SUSE flavour packages (<c>kernel-default</c>) the <c>uname -r</c> form.
    /// </summary>
    public static string? KernelVersionOf(string name, string? version, string? release, string? arch)
    {
        if (!IsKernelName(name) || string.IsNullOrEmpty(version) || string.IsNullOrEmpty(release) || version.Contains('*') || release.Contains('*'))
        {
            return null;
        }
        return arch is null or "*" or "noarch" || arch.Contains('*') ? $"{version}-{release}" : $"{version}-{release}.{arch}";
    }

    /// <summary>SUSE's <c>uname -r</c> for a flavour package: <c>kernel-default 5.14.21-150500.55.39.1</c> is <c>5.14.21-150500.55.39-default</c>.</summary>
    public static string? SuseKernelVersion(RpmPackage package)
    {
        var match = SuseFlavour().Match(package.Name);
        var lastDot = package.Release.LastIndexOf('.');
        if (!match.Success || lastDot <= 0)
        {
            return null;
        }
        return $"{package.Version}-{package.Release[..lastDot]}-{match.Groups["flavour"].Value}";
    }

    [GeneratedRegex(@"^kernel([-*?].*)?\z")]
    private static partial Regex KernelName();

    [GeneratedRegex(@"^kernel-(?<flavour>default|azure|rt|64kb|zfcpdump|kvmsmall|preempt|vanilla|pae|lpae)(-extra|-optional|-devel)?\z")]
    private static partial Regex SuseFlavour();
}
