using System.Text.RegularExpressions;
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Packages;

/// <summary>
/// Which RPM packages make up a kernel release, for every caller (locks, removal, repository candidates): found from
/// the package database, never a fixed list.
/// </summary>
internal static partial class RpmKernelPackages
{
    // Packages named kernel-* that only share the kernel's version: userspace needs them, not the kernel.
    private static readonly string[] UserspacePrefixes = { "kernel-headers", "kernel-tools", "kernel-srpm-macros", "kernel-abi-stablelists", "kernel-doc", "kernel-cross-headers" };

    // Other builds of the same source: kernel-debug-core 5.14.0-611.el9 is release 5.14.0-611.el9.x86_64+debug.
    private static readonly string[] Variants = { "debug", "rt", "rt-debug", "64k", "64k-debug", "16k", "16k-debug", "zfcpdump", "lpae" };

    /// <summary>True for <c>kernel</c>, <c>kernel-*</c> and name patterns such as <c>kernel*</c>.</summary>
    public static bool IsKernelName(string name) => KernelName().IsMatch(name);

    /// <summary>True for the packages that share a kernel's name and version but serve userspace (<c>kernel-headers</c>, <c>kernel-tools*</c>...).</summary>
    public static bool IsUserspace(string name) => UserspacePrefixes.Any(u => name == u || name.StartsWith(u + "-", StringComparison.Ordinal));

    /// <summary>
    /// The installed subpackages of a release: a name that is <c>kernel</c> or starts with <c>kernel-</c>, of the
    /// release's variant (<c>kernel-debug-*</c> for a <c>+debug</c> release, no variant otherwise), and whose
    /// version-release is the release's and architecture its (or noarch; any when the release names none).
    /// SUSE kernels (<c>5.14.21-150500.55.39-default</c>) are matched through their flavour package
    /// (<c>kernel-default</c>, version-release with the build counter). Userspace packages sharing the version are
    /// included: a caller that must leave them (removal) drops them with <see cref="IsUserspace"/>.
    /// </summary>
    public static IReadOnlyList<RpmPackage> OfRelease(IEnumerable<RpmPackage> installed, string kernelVersion)
    {
        var all = installed.Where(p => IsKernelName(p.Name)).ToList();
        var (release, variant) = SplitVariant(kernelVersion);
        var versionRelease = KernelRelease.WithoutArch(release);
        var arch = KernelRelease.Arch(release);
        var direct = all.Where(p => p.VersionRelease == versionRelease && (arch is null || p.Arch == arch || p.Arch == "noarch") && VariantOf(p.Name) == variant).ToList();
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
    /// The kernel release a package concerns: <c>version-release</c> plus <c>.arch</c> when the arch is concrete,
    /// plus <c>+variant</c> for a variant's package (<c>kernel-debug-core</c>); for SUSE flavour packages
    /// (<c>kernel-default</c>) the <c>uname -r</c> form.
    /// </summary>
    public static string? KernelVersionOf(string name, string? version, string? release, string? arch)
    {
        if (!IsKernelName(name) || string.IsNullOrEmpty(version) || string.IsNullOrEmpty(release) || version.Contains('*') || release.Contains('*'))
        {
            return null;
        }
        var kernel = arch is null or "*" or "noarch" || arch.Contains('*') ? $"{version}-{release}" : $"{version}-{release}.{arch}";
        return VariantOf(name) is { } variant ? $"{kernel}+{variant}" : kernel;
    }

    // 5.14.0-611.el9.x86_64+debug -> (5.14.0-611.el9.x86_64, debug)
    private static (string Release, string? Variant) SplitVariant(string kernelVersion)
    {
        var plus = kernelVersion.IndexOf('+');
        return plus < 0 ? (kernelVersion, null) : (kernelVersion[..plus], kernelVersion[(plus + 1)..]);
    }

    // kernel-debug-core -> debug, kernel-rt-debug-modules -> rt-debug, kernel-core -> null.
    private static string? VariantOf(string name) =>
        Variants.OrderByDescending(v => v.Length).FirstOrDefault(v => name == "kernel-" + v || name.StartsWith("kernel-" + v + "-", StringComparison.Ordinal));

    /// <summary>
    /// The release whose image or modules a package carries (<c>kernel</c>, <c>kernel-core</c>, <c>kernel-modules*</c>,
    /// <c>kernel-uki-virt</c> and their variants'; SUSE's <c>kernel-default</c> and its <c>-extra</c>/<c>-optional</c>);
    /// null for headers, devel files, userspace tools and every other package.
    /// </summary>
    public static string? CarriedRelease(RpmPackage package) =>
        SuseFlavour().Match(package.Name) is { Success: true } suse && suse.Groups["part"].Value != "-devel" && IsSuseRelease(package.Release) ? SuseKernelVersion(package)
        : KernelCarrier().IsMatch(package.Name) ? KernelVersionOf(package.Name, package.Version, package.Release, package.Arch)
        : null;

    /// <summary>The flavour a SUSE release names last: <c>default</c> of <c>6.4.0-150600.23.25-default</c>; its image package is <c>kernel-&lt;flavour&gt;</c>.</summary>
    public static string SuseFlavourOf(string kernelVersion) => kernelVersion[(kernelVersion.LastIndexOf('-') + 1)..];

    /// <summary>True for a SUSE flavour's image package (<c>kernel-default</c>), not its <c>-extra</c>, <c>-optional</c> or <c>-devel</c>.</summary>
    public static bool IsSuseImage(string name) => SuseFlavour().Match(name) is { Success: true } match && !match.Groups["part"].Success;

    /// <summary>
    /// SUSE kernel releases are all numbers (<c>150600.23.25.1</c>); RHEL's and Fedora's carry the distribution
    /// (<c>427.13.1.el9_4</c>), which tells SUSE's <c>kernel-rt</c> from RHEL's.
    /// </summary>
    public static bool IsSuseRelease(string release) => release.Length > 0 && release.All(c => char.IsAsciiDigit(c) || c == '.');

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

    [GeneratedRegex(@"^kernel(-(debug|rt|rt-debug|64k|64k-debug|16k|16k-debug|zfcpdump|lpae))?(-core|-modules(-core|-extra|-internal|-partner)?|-uki-virt)?\z")]
    private static partial Regex KernelCarrier();

    [GeneratedRegex(@"^kernel-(?<flavour>default|azure|rt|64kb|zfcpdump|kvmsmall|preempt|vanilla|pae|lpae)(?<part>-extra|-optional|-devel)?\z")]
    private static partial Regex SuseFlavour();
}
