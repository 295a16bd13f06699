
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Locks;

/// <summary>
/// Pure planning: from a <see cref="LockSnapshot"/> and the request, the commands and edits to run, what must hold
/// afterwards, warnings and refusals. Locking twice plans nothing the second time; unlocking what is not locked
/// plans nothing and says so.
/// </summary>
public static class LockPlanner
{
    /// <summary>Lock-Kernel: pin every installed package of one release (and, on Debian, hold the kernel metapackages).</summary>
    public static LockPlan Pin(LockSnapshot snapshot, string kernelVersion)
    {
        var plan = new LockPlan(LockOperation.Pin, new[] { kernelVersion });
        if (!Ready(snapshot, plan, kernelVersion))
        {
            return plan;
        }
        switch (snapshot.Backend)
        {
            case LockBackend.Dnf4:
            case LockBackend.Dnf5:
                DnfLockPlanner.Pin(snapshot, plan, kernelVersion);
                break;
            case LockBackend.Apt:
                AptLockPlanner.Pin(snapshot, plan, kernelVersion);
                break;
            case LockBackend.Zypper:
                ZypperLockPlanner.Pin(snapshot, plan, kernelVersion);
                break;
        }
        if (plan.Failures.Count == 0)
        {
            plan.Warnings.AddRange(LockTraps.Detect(snapshot, locking: true));
        }
        return plan;
    }

    /// <summary>Lock-Kernel -Exclude: keep the named releases out while other kernel updates still install.</summary>
    public static LockPlan Exclude(LockSnapshot snapshot, IReadOnlyList<string> kernelVersions)
    {
        var plan = new LockPlan(LockOperation.Exclude, kernelVersions);
        var first = kernelVersions.FirstOrDefault() ?? string.Empty;
        if (!Ready(snapshot, plan, first))
        {
            return plan;
        }
        foreach (var release in kernelVersions.Where(r => snapshot.RunningKernel is not null && KernelRelease.Same(r, snapshot.RunningKernel)))
        {
            plan.Failures.Add(LockFailures.RunningKernel(release));
        }
        if (plan.Failures.Count > 0)
        {
            return plan;
        }
        foreach (var release in kernelVersions.Distinct(StringComparer.Ordinal))
        {
            switch (snapshot.Backend)
            {
                case LockBackend.Dnf4:
                    DnfLockPlanner.ExcludeDnf4(snapshot, plan, release);
                    break;
                case LockBackend.Dnf5:
                    DnfLockPlanner.ExcludeDnf5(snapshot, plan, release);
                    break;
                case LockBackend.Apt:
                    AptLockPlanner.Exclude(snapshot, plan, release);
                    break;
                case LockBackend.Zypper:
                    plan.Failures.Add(LockFailures.NotSupported(release,
                        $"zypper locks cannot name one kernel release that is not installed without its full package release; use zypper addlock 'kernel-default = <version>-<release>' for {release}."));
                    break;
            }
        }
        if (plan.Failures.Count > 0)
        {
            plan.Actions.Clear();
            return plan;
        }
        plan.Warnings.AddRange(LockTraps.Detect(snapshot, locking: false));
        return plan;
    }

    /// <summary>
    /// Unlock-Kernel: without <paramref name="all"/>, the locks KmodPS recorded (for the named kernels, or all of
    /// them); with it, every kernel lock of the stores (for the named kernels, or all).
    /// </summary>
    public static LockPlan Unlock(LockSnapshot snapshot, IReadOnlyList<string> kernelVersions, bool all)
    {
        var plan = new LockPlan(LockOperation.Unlock, kernelVersions);
        var entries = snapshot.Entries;
        bool ForKernel(string? kernel) => kernelVersions.Count == 0 || kernelVersions.Any(k => KernelRelease.Same(kernel, k));
        var records = snapshot.Records.Where(r => ForKernel(r.KernelVersion)).ToList();
        var targets = new List<LockEntry>();
        foreach (var record in records)
        {
            var entry = entries.FirstOrDefault(record.Matches);
            if (entry is null)
            {
                plan.Notes.Add($"{record.Key} ({record.Source}) that KmodPS added is already gone; forgetting it.");
                plan.RecordsToRemove.Add(record);
                continue;
            }
            targets.Add(entry);
        }
        if (all)
        {
            targets.AddRange(entries.Where(e => ForKernel(e.KernelVersion) && (kernelVersions.Count == 0 || e.KernelVersion is not null)));
        }
        targets = targets.Distinct().ToList();
        UnlockPlanner.KeepSharedMetapackageHolds(snapshot, plan, targets, kernelVersions);
        if (targets.Count == 0)
        {
            plan.Notes.Add(kernelVersions.Count == 0
                ? $"No kernel lock{(all ? string.Empty : " made by KmodPS")} under {snapshot.RootPath}: nothing to unlock."
                : $"No kernel lock{(all ? string.Empty : " made by KmodPS")} for {string.Join(", ", kernelVersions)} under {snapshot.RootPath}: nothing to unlock.");
            return plan;
        }
        var target = kernelVersions.Count == 0 ? "all kernels" : string.Join(", ", kernelVersions);
        foreach (var group in targets.GroupBy(e => e.Store))
        {
            UnlockPlanner.UnlockStore(snapshot, plan, group.Key, group.ToList(), target);
        }
        plan.RecordsToRemove.AddRange(records.Where(r => targets.Any(r.Matches) && !plan.RecordsToReassign.Any(p => p.Key == r)));
        return plan;
    }

    private static bool Ready(LockSnapshot snapshot, LockPlan plan, string kernel)
    {
        if (snapshot.Backend == LockBackend.None || snapshot.Program is null)
        {
            plan.Failures.Add(LockFailures.PackageManagerNotFound(kernel, snapshot.Backend, snapshot.RootPath));
            return false;
        }
        if (snapshot.Backend == LockBackend.Dnf4 && snapshot.VersionlockPluginInstalled == false)
        {
            plan.Failures.Add(LockFailures.PluginMissing(kernel));
            return false;
        }
        return true;
    }
}
