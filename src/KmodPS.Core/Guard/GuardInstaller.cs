using KmodPS.Diagnostics;
using KmodPS.Platform;

namespace KmodPS.Guard;

/// <summary>Carries out install and uninstall plans, then reads the files back; on a failed install the files it wrote are removed again.</summary>
public sealed class GuardInstaller
{
    private readonly ISystemRoot _root;
    private readonly Action<string> _verbose;

    public GuardInstaller(ISystemRoot root, Action<string>? verbose = null)
    {
        _root = root;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>Creates the directories, writes the hooks and the state; null on success, else the failure (after undoing the new files).</summary>
    public Failure? Install(GuardInstallPlan plan) => RootChangeLock.Around(_root, () => InstallHeld(plan), refusal => refusal);

    private Failure? InstallHeld(GuardInstallPlan plan)
    {
        var written = new List<string>();
        try
        {
            foreach (var directory in plan.CreateDirectories)
            {
                _verbose($"Creating {_root.MapPath(directory)}");
                Directory.CreateDirectory(_root.MapPath(directory));
            }
            foreach (var hook in plan.Writes)
            {
                var real = _root.MapPath(hook.Path);
                if (!File.Exists(real))
                {
                    written.Add(real);
                }
                _verbose($"Writing {real} (mode {GuardInstallPlan.Octal(hook.Mode)})");
                // Hooks are regenerated data: no backup beside them, or uninstall would have one more file to account for.
                AtomicFile.Write(real, System.Text.Encoding.UTF8.GetBytes(hook.Content), backupPath: null, hook.Mode);
            }
            if (plan.WritesState && plan.State is not null)
            {
                _verbose($"Recording the installation in {_root.MapPath(GuardLayout.StatePath)}");
                GuardStateFile.Write(_root, plan.State);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Undone(new Failure(ErrorIds.GuardNotInstalled, FailureCategory.WriteError, $"Installing the guard under {_root.RootPath} failed: {e.Message}", _root.RootPath), written);
        }
        List<string> wrong;
        try
        {
            wrong = plan.Writes.Concat(plan.Current).Where(h => !ReadsBack(h)).Select(h => _root.MapPath(h.Path)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Undone(new Failure(ErrorIds.GuardNotInstalled, FailureCategory.ReadError, $"The guard's hooks under {_root.RootPath} could not be read back: {e.Message}", _root.RootPath), written);
        }
        if (wrong.Count == 0)
        {
            return null;
        }
        return Undone(new Failure(ErrorIds.GuardNotInstalled, FailureCategory.InvalidResult, $"After writing, these hooks do not read back as written: {string.Join(", ", wrong)}.", _root.RootPath), written);
    }

    // Deletes the hooks this install created; the failure itself when that worked, else RestoreFailed naming the ones left.
    private Failure Undone(Failure failure, List<string> written)
    {
        var left = new List<string>();
        foreach (var real in written)
        {
            try
            {
                _verbose($"Removing {real} again");
                File.Delete(real);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                left.Add($"{real} (should not exist: {e.Message})");
            }
        }
        return left.Count == 0 ? failure : RestoreFailure.Of(failure, left);
    }

    /// <summary>Deletes the hooks and the state (or its installation record) and the empty created directories; null on success.</summary>
    public Failure? Uninstall(GuardUninstallPlan plan) => RootChangeLock.Around(_root, () => UninstallHeld(plan), refusal => refusal);

    private Failure? UninstallHeld(GuardUninstallPlan plan)
    {
        try
        {
            foreach (var path in plan.Deletes)
            {
                _verbose($"Deleting {_root.MapPath(path)}");
                File.Delete(_root.MapPath(path));
            }
            if (plan.DeleteState)
            {
                _verbose($"Deleting {_root.MapPath(GuardLayout.StatePath)}");
                File.Delete(_root.MapPath(GuardLayout.StatePath));
            }
            else if (plan.State is not null)
            {
                _verbose($"Removing the installation record from {_root.MapPath(GuardLayout.StatePath)}");
                GuardStateFile.Write(_root, plan.State);
            }
            foreach (var directory in plan.RemoveDirectories)
            {
                var real = _root.MapPath(directory);
                if (Directory.Exists(real) && !Directory.EnumerateFileSystemEntries(real).Any())
                {
                    _verbose($"Removing the empty directory {real}");
                    Directory.Delete(real);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Failure(ErrorIds.GuardNotUninstalled, FailureCategory.WriteError, $"Uninstalling the guard under {_root.RootPath} failed: {e.Message}", _root.RootPath);
        }
        var left = plan.Deletes.Where(p => File.Exists(_root.MapPath(p))).ToList();
        return left.Count == 0 ? null
            : new Failure(ErrorIds.GuardNotUninstalled, FailureCategory.InvalidResult, $"These hooks are still there after deleting them: {string.Join(", ", left)}.", _root.RootPath);
    }

    private bool ReadsBack(GuardHook hook)
    {
        var real = _root.MapPath(hook.Path);
        return File.Exists(real) && File.ReadAllText(real) == hook.Content && File.GetUnixFileMode(real) == hook.Mode;
    }
}
