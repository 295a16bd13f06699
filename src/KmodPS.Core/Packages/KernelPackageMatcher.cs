
namespace KmodPS.Packages;

/// <summary>
/// Pure: which installed packages make up one kernel release, and which other packages the package manager would
/// have to remove with them.
/// <list type="bullet">
/// <item>RPM: packages named <c>kernel</c> or <c>kernel-*</c> whose version-release.arch equals the release
/// (<c>kernel</c>, <c>kernel-core</c>, <c>kernel-modules*</c>, <c>kernel-devel</c>...), except the userspace
/// packages that only share the version (<c>kernel-headers</c>, <c>kernel-tools*</c>) and the packages of other
/// variants (<c>kernel-debug-*</c>, <c>kernel-rt-*</c>...; a <c>+debug</c> release selects exactly those).</item>
/// <item>Debian: <c>linux-*</c> packages whose name carries the release as a whole word
/// (<c>linux-image-&lt;k&gt;</c>, <c>linux-image-&lt;k&gt;-unsigned</c>, <c>linux-headers-&lt;k&gt;</c>,
/// <c>linux-modules-&lt;k&gt;</c>, <c>linux-modules-nvidia-550-&lt;k&gt;</c>...); shared packages such as
/// <c>linux-headers-&lt;abi&gt;-common</c> and the metapackages stay.</item>
/// </list>
/// </summary>
public static class KernelPackageMatcher
{
    private static readonly string[] UserspacePrefixes = { "kernel-headers", "kernel-tools", "kernel-srpm-macros", "kernel-abi-stablelists", "kernel-doc", "kernel-cross-headers" };
    private static readonly string[] Variants = { "debug", "rt", "rt-debug", "64k", "64k-debug", "16k", "16k-debug", "zfcpdump", "lpae" };

    /// <summary>The packages of kernel release <paramref name="kernelVersion"/> among the installed ones, sorted by name.</summary>
    public static IReadOnlyList<InstalledPackage> OfRelease(IEnumerable<InstalledPackage> installed, string kernelVersion) =>
        installed.Where(p => p.IsRpm ? IsRpmKernelPackage(p, kernelVersion) : IsDebianKernelPackage(p.Name, kernelVersion)).OrderBy(p => p.Spec, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The packages outside <paramref name="removed"/> whose requirements would be broken by removing them (repeated
    /// until nothing changes): RPM <c>*-uname-r = &lt;k&gt;</c> (kmods built for the kernel), exact <c>= version</c> or
    /// plain requirements on a removed name no remaining package has; Debian clauses whose every alternative goes.
    /// </summary>
    public static IReadOnlyList<InstalledPackage> Dependents(IReadOnlyList<InstalledPackage> installed, IReadOnlyList<InstalledPackage> removed, string kernelVersion)
    {
        var goingKeys = removed.Select(p => p.EpochSpec).ToHashSet(StringComparer.Ordinal);
        var going = removed.ToList();
        var dependents = new List<InstalledPackage>();
        bool changed;
        do
        {
            changed = false;
            var remaining = installed.Where(p => !goingKeys.Contains(p.EpochSpec)).ToList();
            var remainingNames = remaining.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var package in remaining)
            {
                if (package.Requires.Any(r => package.IsRpm ? IsBrokenRpm(r, going, remainingNames, kernelVersion) : IsBrokenDebian(r, going, remainingNames)))
                {
                    goingKeys.Add(package.EpochSpec);
                    going.Add(package);
                    dependents.Add(package);
                    changed = true;
                }
            }
        }
        while (changed);
        return dependents;
    }

    // A Debian clause is broken when no alternative stays installed and at least one of them is going.
    private static bool IsBrokenDebian(PackageRequirement requirement, List<InstalledPackage> going, HashSet<string> remainingNames) =>
        requirement.Alternatives.All(a => !remainingNames.Contains(a)) && requirement.Alternatives.Any(a => going.Any(p => p.Name == a));

    private static bool IsBrokenRpm(PackageRequirement requirement, List<InstalledPackage> going, HashSet<string> remainingNames, string kernelVersion)
    {
        if (requirement.Name.EndsWith("-uname-r", StringComparison.Ordinal))
        {
            return requirement.Flags == "=" && requirement.Version == kernelVersion;
        }
        var named = going.Where(p => p.Name == requirement.Name).ToList();
        if (named.Count == 0)
        {
            return false;
        }
        if (requirement.Flags is null)
        {
            return !remainingNames.Contains(requirement.Name);
        }
        return requirement.Flags == "=" && named.Any(p => requirement.Version == $"{p.Version}-{p.Release}" || requirement.Version == $"{p.Epoch}:{p.Version}-{p.Release}");
    }

    private static bool IsRpmKernelPackage(InstalledPackage package, string kernelVersion)
    {
        if (package.Name != "kernel" && !package.Name.StartsWith("kernel-", StringComparison.Ordinal)
            || UserspacePrefixes.Any(u => package.Name == u || package.Name.StartsWith(u + "-", StringComparison.Ordinal)))
        {
            return false;
        }
        var plus = kernelVersion.IndexOf('+');
        var release = plus < 0 ? kernelVersion : kernelVersion[..plus];
        if (package.VersionReleaseArch != release)
        {
            return false;
        }
        var variant = VariantOf(package.Name);
        return plus < 0 ? variant is null : variant == kernelVersion[(plus + 1)..];
    }

    // kernel-debug-core -> debug, kernel-rt-debug-modules -> rt-debug, kernel-core -> null.
    private static string? VariantOf(string name) =>
        Variants.OrderByDescending(v => v.Length).FirstOrDefault(v => name == "kernel-" + v || name.StartsWith("kernel-" + v + "-", StringComparison.Ordinal));

    private static bool IsDebianKernelPackage(string name, string kernelVersion) =>
        name.StartsWith("linux-", StringComparison.Ordinal)
        && (name.EndsWith("-" + kernelVersion, StringComparison.Ordinal) || name.Contains("-" + kernelVersion + "-", StringComparison.Ordinal));
}
