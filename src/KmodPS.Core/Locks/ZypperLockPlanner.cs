using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>Pins through zypper locks.</summary>
internal static class ZypperLockPlanner
{
    internal static void Pin(LockSnapshot snapshot, LockPlan plan, string kernelVersion)
    {
        if (snapshot.RpmPackages is not { } installed)
        {
            return;
        }
        var packages = RpmKernelPackages.OfRelease(installed, kernelVersion);
        if (packages.Count == 0)
        {
            plan.Failures.Add(LockFailures.KernelNotFound(kernelVersion, snapshot.RootPath, "rpm"));
            return;
        }
        var existing = snapshot.Entries.Where(e => e.Store == LockStore.ZyppLocks).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        // "= V-R" keeps the release installed; "> V-R" keeps newer releases of that package out.
        var specs = packages.SelectMany(p => new[] { $"{p.Name} = {p.VersionRelease}", $"{p.Name} > {p.VersionRelease}" }).ToList();
        foreach (var spec in specs.Where(existing.Contains))
        {
            plan.Notes.Add($"{spec} is already locked in {snapshot.Stores.ZyppLocksPath}.");
        }
        var missing = specs.Where(s => !existing.Contains(s)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        plan.Actions.Add(ZypperLockCommands.AddLock(snapshot, missing));
        plan.RollbackFiles.Add(snapshot.Stores.ZyppLocksPath);
        plan.Expectations.AddRange(missing.Select(s => LockExpectation.Present(LockStore.ZyppLocks, s, snapshot.Stores.ZyppLocksPath)));
    }
}
