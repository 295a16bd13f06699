using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Pure: the kernel part of the transaction <c>zypper update --dry-run</c> reported (<see cref="ZypperQuery"/>). zypper
/// decided it, with its locks, multiversion setting and solver; this names its kernels, the repository kernels it
/// leaves out and what holds them, and the KMP modules installed kernels lose to an in-place KMP upgrade.
/// </summary>
internal static class ZypperTransactionKernels
{
    /// <summary>
    /// The flavour images zypper installs (a new multiversion kernel, or an in-place upgrade when multiversion is off,
    /// which also removes the kernel it replaces) and removes, each with its packages; the newer cached kernels it does
    /// not install are held back, by the lock that matches them where one does.
    /// </summary>
    public static UpdateTransaction Of(ZypperTransaction simulated, IReadOnlyList<InstalledKernel> kernels, IReadOnlyList<ModuleStatus> rows, IReadOnlyList<RepositoryPackage> available, Func<RepositoryPackage, string?> heldBy)
    {
        var compare = KernelVersionComparer.Instance;
        string? Image(string name, string version, string release, string arch) => KernelImagePackage.RpmRelease(name, version, release, arch);
        var installed = simulated.Installs.Select(s => Image(s.Name, s.Version, s.Release, s.Arch)).OfType<string>()
            .Where(k => kernels.All(i => i.KernelVersion != k)).Distinct(StringComparer.Ordinal).ToList();
        var replaced = simulated.Installs.Where(s => s.OldEdition is not null)
            .Select(s => new ZypperSolvable(s.Name, s.OldEdition!, s.Arch, null)).ToList();
        var gone = simulated.Removes.Concat(replaced).ToList();
        var removed = gone.Select(s => Image(s.Name, s.Version, s.Release, s.Arch)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var newestInstalled = kernels.Select(k => k.KernelVersion).Max(compare);
        var newestComing = installed.Max(compare);
        var offered = available.Select(p => (Package: p, Kernel: Image(p.Name, p.Version, p.Release, p.Arch))).Where(x => x.Kernel is not null)
            .Where(x => newestInstalled is null || compare.Compare(x.Kernel, newestInstalled) > 0).ToList();
        var heldBack = offered.Where(x => newestComing is null || compare.Compare(x.Kernel, newestComing) > 0)
            .GroupBy(x => x.Kernel!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => heldBy(g.First().Package) ?? "zypper's solver (no lock names it: an installed package's requirements keep it out; zypper update --dry-run --debug-solver says which)", StringComparer.Ordinal);
        // A kernel's packages share its edition; KMPs go with every kernel the transaction installs (they serve by kABI).
        IReadOnlyDictionary<string, IReadOnlyList<string>> ByKernel(IReadOnlyList<ZypperSolvable> solvables, IEnumerable<string> releases, bool withKmps) =>
            releases.ToDictionary(k => k, k =>
            {
                var editions = solvables.Where(s => Image(s.Name, s.Version, s.Release, s.Arch) == k).Select(s => s.Edition).ToHashSet(StringComparer.Ordinal);
                return (IReadOnlyList<string>)solvables.Where(s => (s.Name.StartsWith("kernel-", StringComparison.Ordinal) && editions.Contains(s.Edition))
                    || (withKmps && s.Name.Contains("-kmp-", StringComparison.Ordinal))).Select(s => s.Nevra).Distinct(StringComparer.Ordinal).ToList();
            }, StringComparer.Ordinal);
        // A KMP upgraded in place (not multiversion) takes its build for a kernel that stays installed with it.
        var losses = simulated.Installs.Where(s => s.OldEdition is not null && s.Name.Contains("-kmp-", StringComparison.Ordinal))
            .SelectMany(s => rows.Where(r => r.Provider == ModuleProvider.KmodPackage && r.Package == $"{s.Name}-{s.OldEdition}.{s.Arch}" && !removed.Contains(r.KernelVersion))
                .Select(r => new ModuleLoss(r.KernelVersion, r.Name, r.Package!, s.Nevra, KmpKernel(s) ?? "the new kernel")))
            .ToList();
        return new UpdateTransaction(offered.Select(x => x.Kernel!).Distinct(StringComparer.Ordinal).Order(compare).ToList(), installed.ToHashSet(StringComparer.Ordinal),
            heldBack, removed, losses, ByKernel(simulated.Installs, installed, withKmps: true), ByKernel(gone, removed, withKmps: false), available);
    }

    // SUSE names the kernel a KMP is built for in its version: v4l2loopback-kmp-default 0.12.7_k6.4.0_150600.23.33 is 6.4.0-150600.23.33-default.
    private static string? KmpKernel(ZypperSolvable kmp)
    {
        var at = kmp.Version.IndexOf("_k", StringComparison.Ordinal);
        var flavour = kmp.Name.IndexOf("-kmp-", StringComparison.Ordinal);
        if (at < 0 || flavour < 0 || kmp.Version[(at + 2)..].Split('_') is not [var version, var release])
        {
            return null;
        }
        return $"{version}-{release}-{kmp.Name[(flavour + 5)..]}";
    }
}
