
namespace KmodPS.Core.Packages;

/// <summary>
/// Pure: which installed packages a removal of one kernel release takes, and which other packages the package manager
/// would have to remove with them. The release's packages are <see cref="RpmKernelPackages.OfRelease"/> and
/// <see cref="DebianKernelPackages.CarriesRelease"/>, less what other software still needs: the userspace packages that
/// only share the version (<c>kernel-headers</c>, <c>kernel-tools*</c>), and on Debian the ABI's shared
/// <c>linux-headers-&lt;abi&gt;-common</c> and the metapackages.
/// </summary>
internal static class KernelPackageMatcher
{
    /// <summary>The packages of kernel release <paramref name="kernelVersion"/> among the installed ones, sorted by name.</summary>
    public static IReadOnlyList<InstalledPackage> OfRelease(IEnumerable<InstalledPackage> installed, string kernelVersion)
    {
        var packages = installed.ToList();
        var rpm = RpmKernelPackages.OfRelease(packages.Where(p => p.IsRpm).Select(AsRpm), kernelVersion).ToHashSet();
        return packages
            .Where(p => p.IsRpm ? rpm.Contains(AsRpm(p)) && !RpmKernelPackages.IsUserspace(p.Name) : DebianKernelPackages.CarriesRelease(p.Name, kernelVersion))
            .OrderBy(p => p.Spec, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The kernel releases whose image or modules packages are in the database, whether or not their files are still
    /// in the root: a removal killed after the package manager deleted the files leaves the packages recorded.
    /// </summary>
    public static IEnumerable<string> Releases(IEnumerable<InstalledPackage> installed) =>
        installed.Select(p => p.IsRpm
                ? RpmKernelPackages.CarriedRelease(AsRpm(p))
                : p.Name.StartsWith("linux-image-", StringComparison.Ordinal) || p.Name.StartsWith("linux-modules-", StringComparison.Ordinal) ? DebianKernelPackages.KernelVersionOf(p.Name) : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);

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

    private static RpmPackage AsRpm(InstalledPackage package) => new(package.Name, package.Epoch ?? "0", package.Version, package.Release!, package.Arch ?? string.Empty);
}
