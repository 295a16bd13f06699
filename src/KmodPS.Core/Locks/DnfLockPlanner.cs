using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>Pins and excludes through dnf 4 and dnf 5 versionlock.</summary>
internal static class DnfLockPlanner
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
        var dnf4 = snapshot.Backend == LockBackend.Dnf4;
        var store = dnf4 ? LockStore.DnfVersionlockList : LockStore.DnfVersionlockToml;
        var source = dnf4 ? snapshot.Stores.VersionlockListPath : snapshot.Stores.VersionlockTomlPath;
        var entries = snapshot.Entries.Where(e => e.Store == store).ToList();
        var excluded = entries.Where(e => e.Kind == KernelLockKind.Exclude && KernelRelease.Same(e.KernelVersion, kernelVersion)).ToList();
        if (excluded.Count > 0)
        {
            plan.Failures.Add(LockFailures.Conflict(kernelVersion,
                $"{kernelVersion} is excluded in {source} ({string.Join(", ", excluded.Select(e => e.Entry))}): a pin would not install it. Remove the exclude first."));
            return;
        }
        foreach (var package in packages)
        {
            var key = dnf4 ? package.VersionlockSpec : LockEntries.TomlKey(package.Name, new[] { new VersionlockCondition("evr", "=", package.Evr) });
            if (entries.Any(e => e.Key == key))
            {
                plan.Notes.Add($"{package.Nevra} is already locked in {source}.");
                continue;
            }
            if (dnf4)
            {
                EnsureVersionlockList(snapshot, plan);
            }
            plan.Actions.Add(dnf4 ? DnfLockCommands.Dnf4Add(snapshot, package) : DnfLockCommands.Dnf5Add(snapshot, package));
            plan.Expectations.Add(LockExpectation.Present(store, key, source));
        }
        if (plan.Actions.Count > 0)
        {
            PlanLists.AddOnce(plan.RollbackFiles, source);
        }
    }

    internal static void ExcludeDnf4(LockSnapshot snapshot, LockPlan plan, string release)
    {
        if (DnfLockCommands.ExcludeSpec(release, withArch: true) is not { } spec)
        {
            plan.Failures.Add(LockFailures.InvalidKernelVersion(release, $"'{release}' has no release part (version-release, for example 5.14.0-611.45.1.el9_7): dnf cannot exclude it."));
            return;
        }
        var source = snapshot.Stores.VersionlockListPath;
        var entries = snapshot.Entries.Where(e => e.Store == LockStore.DnfVersionlockList).ToList();
        var pinned = entries.Where(e => e.Kind == KernelLockKind.Pin && KernelRelease.Same(e.KernelVersion, release)).ToList();
        if (pinned.Count > 0)
        {
            plan.Failures.Add(LockFailures.Conflict(release, $"{release} is pinned in {source} ({string.Join(", ", pinned.Select(e => e.Entry))}): unlock it before excluding it."));
            return;
        }
        var key = "!" + spec;
        if (entries.Any(e => e.Key == key))
        {
            plan.Notes.Add($"{release} is already excluded in {source} ({key}).");
            return;
        }
        EnsureVersionlockList(snapshot, plan);
        plan.Actions.Add(DnfLockCommands.Dnf4Exclude(snapshot, spec));
        plan.Expectations.Add(LockExpectation.Present(LockStore.DnfVersionlockList, key, source));
        PlanLists.AddOnce(plan.RollbackFiles, source);
    }

    internal static void ExcludeDnf5(LockSnapshot snapshot, LockPlan plan, string release)
    {
        if (DnfLockCommands.ExcludeSpec(release, withArch: false) is not { } spec)
        {
            plan.Failures.Add(LockFailures.InvalidKernelVersion(release, $"'{release}' has no release part (version-release): dnf5 cannot exclude it."));
            return;
        }
        var source = snapshot.Stores.VersionlockTomlPath;
        bool Excluded(IReadOnlyList<LockEntry> entries) =>
            entries.Any(e => e.Store == LockStore.DnfVersionlockToml && e.Kind == KernelLockKind.Exclude && KernelRelease.Same(e.KernelVersion, release));
        if (Excluded(snapshot.Entries))
        {
            plan.Notes.Add($"{release} is already excluded in {source}.");
            return;
        }
        plan.Actions.Add(DnfLockCommands.Dnf5Exclude(snapshot, spec));
        plan.Expectations.Add(new LockExpectation($"an exclude of {release} in {source}", Excluded));
        PlanLists.AddOnce(plan.RollbackFiles, source);
    }

    // dnf 4's plugin reads the list before it appends, and fails when the file does not exist yet.
    internal static void EnsureVersionlockList(LockSnapshot snapshot, LockPlan plan)
    {
        var path = snapshot.Stores.VersionlockListPath;
        if (snapshot.Stores.VersionlockListText is not null || plan.Actions.OfType<FileEditAction>().Any(a => a.TreePath == path))
        {
            return;
        }
        plan.Actions.Add(new FileEditAction(LockStore.DnfVersionlockList, path, text => text ?? string.Empty, string.Empty,
            $"create the empty lock list {path} (the versionlock plugin cannot add to a missing list)"));
        PlanLists.AddOnce(plan.RollbackFiles, path);
    }
}
