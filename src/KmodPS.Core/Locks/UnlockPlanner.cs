using KmodPS.Core.Kernels;
using KmodPS.Core.Models;

namespace KmodPS.Core.Locks;

/// <summary>Removes locks from each store: file edits where the tool would rewrite more than asked, the tool otherwise.</summary>
internal static class UnlockPlanner
{
    internal static void UnlockStore(LockSnapshot snapshot, LockPlan plan, LockStore store, List<LockEntry> targets, string target)
    {
        var program = snapshot.Program;
        switch (store)
        {
            case LockStore.DnfVersionlockList:
            {
                var path = snapshot.Stores.VersionlockListPath;
                var lines = targets.Select(t => t.Key).ToList();
                plan.Actions.Add(new FileEditAction(store, path, text => text is null ? null : VersionlockListFile.Remove(text, lines),
                    snapshot.Stores.VersionlockListText is { } text ? VersionlockListFile.Remove(text, lines) : null,
                    $"remove from {path} (backup {LockStateFile.BackupPathFor(path)}): {string.Join(", ", lines)}"));
                plan.RollbackFiles.Add(path);
                break;
            }
            case LockStore.DnfVersionlockToml:
                UnlockTomlEntries(snapshot, plan, targets);
                break;
            case LockStore.DpkgHold:
            {
                if (snapshot.Backend != LockBackend.Apt || program is null)
                {
                    plan.Failures.Add(LockFailures.PackageManagerNotFound(target, LockBackend.Apt, snapshot.RootPath));
                    return;
                }
                var names = targets.Select(t => t.Key).ToList();
                plan.Actions.Add(AptLockCommands.Unhold(snapshot, names));
                plan.RollbackCommands.Add(AptLockCommands.Hold(snapshot, names));
                break;
            }
            case LockStore.AptPreferences:
                foreach (var file in targets.GroupBy(t => t.Source))
                {
                    var packages = file.Select(t => t.Key.Split('|')[0]).ToHashSet(StringComparer.Ordinal);
                    string? Edit(string? text)
                    {
                        if (text is null)
                        {
                            return null;
                        }
                        var result = AptPreferencesFile.Remove(text, AptPreferencesFile.Parse(text).Where(s => s.Priority < 0 && packages.Contains(s.Package)));
                        return result.Length == 0 && file.Key == AptPreferencesFile.KmodPSPath ? null : result;
                    }
                    var current = snapshot.Stores.AptPreferences.FirstOrDefault(p => p.Key == file.Key).Value;
                    var preview = Edit(current);
                    plan.Actions.Add(new FileEditAction(store, file.Key, Edit, preview,
                        preview is null ? $"delete {file.Key} (backup {LockStateFile.BackupPathFor(file.Key)})"
                            : $"remove from {file.Key} (backup {LockStateFile.BackupPathFor(file.Key)}): Package: {string.Join(", ", packages)}"));
                    plan.RollbackFiles.Add(file.Key);
                }
                break;
            case LockStore.ZyppLocks:
            {
                if (snapshot.Backend != LockBackend.Zypper || program is null)
                {
                    plan.Failures.Add(LockFailures.PackageManagerNotFound(target, LockBackend.Zypper, snapshot.RootPath));
                    return;
                }
                var specs = targets.Select(t => t.Key).ToList();
                plan.Actions.Add(ZypperLockCommands.RemoveLock(snapshot, specs));
                plan.RollbackFiles.Add(snapshot.Stores.ZyppLocksPath);
                break;
            }
        }
        plan.Expectations.AddRange(targets.Select(t => LockExpectation.Absent(t.Store, t.Key, t.Source)));
    }

    // dnf5: "versionlock delete NAME" removes every entry of NAME; use it only when all of them go, else edit the file.
    private static void UnlockTomlEntries(LockSnapshot snapshot, LockPlan plan, List<LockEntry> targets)
    {
        var path = snapshot.Stores.VersionlockTomlPath;
        var text = snapshot.Stores.VersionlockTomlText ?? string.Empty;
        var packages = VersionlockTomlFile.Parse(text);
        var targetKeys = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        bool Targeted(VersionlockTomlPackage p) =>
            targetKeys.Contains(LockEntries.TomlKey(p.Name, p.Conditions)) || p.IsExclude && p.Conditions.All(c => targetKeys.Contains(LockEntries.TomlKey(p.Name, new[] { c })));
        foreach (var partial in packages.Where(p => p.IsExclude && !Targeted(p) && p.Conditions.Any(c => targetKeys.Contains(LockEntries.TomlKey(p.Name, new[] { c })))))
        {
            plan.Warnings.Add($"The {partial.Name} entry of {path} also excludes versions KmodPS is not removing; it is left as it is: remove the condition by hand if needed.");
            targets.RemoveAll(t => t.Package == partial.Name && t.Kind == KernelLockKind.Exclude);
        }
        var whole = packages.Where(Targeted).ToList();
        var byName = whole.GroupBy(p => p.Name).ToList();
        var deleteByTool = snapshot.Program is not null && snapshot.Backend == LockBackend.Dnf5
            ? byName.Where(g => packages.Count(p => p.Name == g.Key) == g.Count()).Select(g => g.Key).ToList()
            : new List<string>();
        foreach (var name in deleteByTool)
        {
            plan.Actions.Add(DnfLockCommands.Dnf5Delete(snapshot, name));
        }
        var edited = whole.Where(p => !deleteByTool.Contains(p.Name)).ToList();
        if (edited.Count > 0)
        {
            var keys = edited.Select(p => LockEntries.TomlKey(p.Name, p.Conditions)).ToHashSet(StringComparer.Ordinal);
            string? Edit(string? current) => current is null ? null
                : VersionlockTomlFile.Remove(current, VersionlockTomlFile.Parse(current).Where(p => keys.Contains(LockEntries.TomlKey(p.Name, p.Conditions))));
            plan.Actions.Add(new FileEditAction(LockStore.DnfVersionlockToml, path, Edit, Edit(text),
                $"remove from {path} (backup {LockStateFile.BackupPathFor(path)}): {string.Join(", ", edited.Select(p => $"{p.Name} ({string.Join(", ", p.Conditions)})"))}"));
        }
        plan.RollbackFiles.Add(path);
    }

    // Unlocking one Debian pin must not release the metapackage holds another KmodPS pin still relies on.
    internal static void KeepSharedMetapackageHolds(LockSnapshot snapshot, LockPlan plan, List<LockEntry> targets, IReadOnlyList<string> kernelVersions)
    {
        if (kernelVersions.Count == 0 || snapshot.Stores.DpkgPackages is null)
        {
            return;
        }
        var remainingPins = snapshot.Records
            .Where(r => r.Store == LockStore.DpkgHold && r.Kind == KernelLockKind.Hold && !kernelVersions.Any(k => KernelRelease.Same(r.KernelVersion, k)))
            .Select(r => r.KernelVersion).Distinct().ToList();
        if (remainingPins.Count == 0)
        {
            return;
        }
        foreach (var meta in targets.Where(t => t.Store == LockStore.DpkgHold && t.KernelVersion is null).ToList())
        {
            var record = snapshot.Records.FirstOrDefault(r => r.Matches(meta));
            if (record is null)
            {
                continue;
            }
            targets.Remove(meta);
            plan.RecordsToReassign.Add(new KeyValuePair<LockRecord, string>(record, remainingPins[0]));
            plan.Notes.Add($"{meta.Package} stays on hold: the KmodPS pin of {remainingPins[0]} still needs it.");
        }
    }
}
