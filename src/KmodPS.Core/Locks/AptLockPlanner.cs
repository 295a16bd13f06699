using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>Pins through apt-mark holds, excludes through an apt preferences file.</summary>
internal static class AptLockPlanner
{
    internal static void Pin(LockSnapshot snapshot, LockPlan plan, string kernelVersion)
    {
        var dpkg = snapshot.Stores.DpkgPackages ?? Array.Empty<DpkgPackage>();
        var packages = DebianKernelPackages.OfRelease(dpkg, kernelVersion);
        if (packages.Count == 0)
        {
            plan.Failures.Add(LockFailures.KernelNotFound(kernelVersion, snapshot.RootPath, "dpkg"));
            return;
        }
        var metapackages = DebianKernelPackages.Metapackages(dpkg);
        var wanted = packages.Concat(metapackages).DistinctBy(p => p.Name).ToList();
        foreach (var held in wanted.Where(p => p.IsHeld))
        {
            plan.Notes.Add($"{held.Name} is already on hold.");
        }
        var toHold = wanted.Where(p => !p.IsHeld).Select(p => p.Name).ToList();
        if (toHold.Count == 0)
        {
            return;
        }
        plan.Actions.Add(AptLockCommands.Hold(snapshot, toHold));
        plan.RollbackCommands.Add(AptLockCommands.Unhold(snapshot, toHold));
        plan.Expectations.AddRange(toHold.Select(n => LockExpectation.Present(LockStore.DpkgHold, n, LockEntries.AptMarkSource)));
    }

    internal static void Exclude(LockSnapshot snapshot, LockPlan plan, string release)
    {
        var path = AptPreferencesFile.KmodPSPath;
        var pattern = AptPreferencesFile.ExcludePattern(release);
        var key = $"{pattern}|{pattern}";
        if (snapshot.Entries.Any(e => e.Store == LockStore.AptPreferences && e.Key == key))
        {
            plan.Notes.Add($"{release} is already excluded in {path}.");
            return;
        }
        var stanza = AptPreferencesFile.ExcludeStanza(release);
        var current = snapshot.Stores.AptPreferences.FirstOrDefault(p => p.Key == path).Value;
        var previous = plan.Actions.OfType<FileEditAction>().LastOrDefault(a => a.TreePath == path);
        var preview = AptPreferencesFile.Append(previous?.Preview ?? current ?? string.Empty, stanza);
        plan.Actions.Add(new FileEditAction(LockStore.AptPreferences, path, text => AptPreferencesFile.Append(text ?? string.Empty, stanza), preview,
            $"append to {path} (backup {LockStateFile.BackupPathFor(path)}): {stanza.TrimEnd().Replace("\n", "; ")}"));
        plan.Expectations.Add(LockExpectation.Present(LockStore.AptPreferences, key, path));
        PlanLists.AddOnce(plan.RollbackFiles, path);
    }
}
