using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Pure: the kernel part of the transaction <c>dnf upgrade</c> would run, from what the repositories offer (queried
/// with excludes off) and what keeps packages out (<see cref="UpdateHolds"/>). dnf installs, beside the installed
/// ones, the newest version of each installonly kernel package that no rule excludes, when it is newer than every
/// installed one, and never the versions in between; it then removes the oldest kernels beyond installonly_limit
/// (never the running one). A kmod package that is not installonly is upgraded in place to its newest version, so the
/// kernel its old build served loses the module. The lab proves this against the real <c>dnf upgrade --assumeno</c>.
/// </summary>
internal static class DnfTransactionPlanner
{
    private static readonly string[] KernelPackageNames = { "kernel", "kernel-core", "kernel-modules-core", "kernel-modules" };

    public static UpdateTransaction Plan(
        IReadOnlyList<RepositoryPackage> available, IReadOnlyList<InstalledKernel> kernels, IReadOnlyList<ModuleStatus> rows,
        Func<RepositoryPackage, string?> heldBy, DnfConfiguration configuration, string? runningKernel)
    {
        var compare = KernelVersionComparer.Instance;
        var newestInstalled = kernels.Select(k => k.KernelVersion).Max(compare);
        bool Newer(string k) => newestInstalled is null || compare.Compare(k, newestInstalled) > 0;
        var images = available.Select(p => (Package: p, Kernel: KernelImagePackage.RpmRelease(p.Name, p.Version, p.Release, p.Arch)))
            .Where(x => x.Kernel is not null && Newer(x.Kernel)).ToList();
        var offered = images.Select(x => x.Kernel!).Distinct(StringComparer.Ordinal).Order(compare).ToList();
        var holds = images.Select(x => (x.Kernel, Hold: heldBy(x.Package))).Where(x => x.Hold is not null)
            .GroupBy(x => x.Kernel!).ToDictionary(g => g.Key, g => g.First().Hold!, StringComparer.Ordinal);
        var allowed = available.Where(p => heldBy(p) is null).ToList();
        var newest = offered.Where(k => !holds.ContainsKey(k)).Max(compare);
        var installed = new HashSet<string>(StringComparer.Ordinal);
        var installs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var removes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (newest is not null)
        {
            installed.Add(newest);
            var names = kernels.Any(k => k.HasHeaders) ? KernelPackageNames.Append("kernel-devel") : KernelPackageNames;
            installs[newest] = allowed.Where(p => names.Contains(p.Name) && ReleaseOf(p) == newest).Select(p => p.Nevra).Distinct().ToList();
        }
        var heldBack = holds.Where(h => newest is null || compare.Compare(h.Key, newest) > 0).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        var removed = InstallOnlyRemovals(kernels, installed.Count, configuration.InstallOnlyLimit, runningKernel);
        foreach (var kernel in removed)
        {
            // The kernel's own packages and the kmod packages built for it (they require it, so dnf removes them too).
            removes[kernel] = kernels.Where(k => k.KernelVersion == kernel && k.Package is not null).Select(k => k.Package!)
                .Concat(rows.Where(r => r.KernelVersion == kernel && r.Provider == ModuleProvider.KmodPackage && r.Package is not null).Select(r => r.Package!))
                .Distinct(StringComparer.Ordinal).ToList();
        }
        var losses = KmodUpgrades(allowed, kernels, rows, configuration, installed, removed, installs, removes).ToList();
        return new UpdateTransaction(offered, installed, heldBack, removed, losses,
            installs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value), removes.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value), allowed);
    }

    /// <summary>The oldest kernels beyond the limit once the new ones are in (dnf keeps the running kernel; a limit below 2 means none).</summary>
    private static IReadOnlyList<string> InstallOnlyRemovals(IReadOnlyList<InstalledKernel> kernels, int added, int limit, string? running)
    {
        var excess = kernels.Count + added - limit;
        if (added == 0 || limit < 2 || excess <= 0)
        {
            return Array.Empty<string>();
        }
        return kernels.Select(k => k.KernelVersion).Where(k => k != running).Order(KernelVersionComparer.Instance).Take(excess).ToList();
    }

    private static IEnumerable<ModuleLoss> KmodUpgrades(
        IReadOnlyList<RepositoryPackage> allowed, IReadOnlyList<InstalledKernel> kernels, IReadOnlyList<ModuleStatus> rows, DnfConfiguration configuration,
        ISet<string> installedByUpdate, IReadOnlyList<string> removed, Dictionary<string, List<string>> installs, Dictionary<string, List<string>> removes)
    {
        var afterUpdate = kernels.Select(k => k.KernelVersion).Where(k => !removed.Contains(k)).Concat(installedByUpdate).ToList();
        var kmodRows = rows.Where(r => r.Provider == ModuleProvider.KmodPackage && r.Package is not null && KernelRelease.Arch(r.Package) is not null).ToList();
        foreach (var byName in kmodRows.GroupBy(r => Nevra.Name(r.Package!)))
        {
            var candidates = allowed.Where(p => p.Name == byName.Key).ToList();
            if (candidates.Count == 0 || candidates.Any(p => KmodPackageMatcher.IsInstallOnly(p, configuration.InstallOnlyPackages)))
            {
                continue;
            }
            var installedEvr = byName.Select(r => Evr(r.Package!)).Max(KernelVersionComparer.Instance)!;
            var upgrade = candidates.Where(p => KernelVersionComparer.Instance.Compare($"{p.Version}-{p.Release}", installedEvr) > 0)
                .OrderBy(p => $"{p.Version}-{p.Release}", KernelVersionComparer.Instance).LastOrDefault();
            if (upgrade is null || afterUpdate.FirstOrDefault(k => KmodPackageMatcher.BuiltFor(upgrade, k)) is not { } target)
            {
                continue;
            }
            Add(installs, target, upgrade.Nevra);
            foreach (var old in byName.GroupBy(r => (r.Package!, r.KernelVersion)).Where(g => g.Key.KernelVersion != target && !removed.Contains(g.Key.KernelVersion)))
            {
                Add(removes, old.Key.KernelVersion, old.Key.Item1);
                foreach (var module in old.Select(r => r.Name).Distinct(StringComparer.Ordinal))
                {
                    yield return new ModuleLoss(old.Key.KernelVersion, module, old.Key.Item1, upgrade.Nevra, target);
                }
            }
        }
    }

    private static void Add(Dictionary<string, List<string>> map, string kernel, string package)
    {
        if (!map.TryGetValue(kernel, out var list))
        {
            map[kernel] = list = new List<string>();
        }
        if (!list.Contains(package))
        {
            list.Add(package);
        }
    }

    private static string? ReleaseOf(RepositoryPackage p) => RpmKernelPackages.KernelVersionOf(p.Name, p.Version, p.Release, p.Arch);

    // name-version-release.arch → version-release
    private static string Evr(string nevra)
    {
        var withoutArch = KernelRelease.WithoutArch(nevra);
        return withoutArch[(Nevra.Name(nevra).Length + 1)..];
    }
}
