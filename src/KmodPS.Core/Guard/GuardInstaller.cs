using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>Carries out install and uninstall plans, then reads the files back; on a failed install the files it wrote are removed again.</summary>
public sealed class GuardInstaller
{
    private readonly ISystemRoot _root;
    private readonly RootJail _jail;
    private readonly Action<string> _verbose;

    public GuardInstaller(ISystemRoot root, Action<string>? verbose = null)
    {
        _root = root;
        _jail = RootJail.For(root);
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>Creates the directories, writes the hooks and the state; null on success, else the failure (after undoing the new files).</summary>
    public Failure? Install(GuardInstallPlan plan) => RootChangeLock.Around(_root, () => InstallHeld(plan), refusal => refusal);

    private Failure? InstallHeld(GuardInstallPlan plan)
    {
        var written = new List<string>();
        try
        {
            // Every path is resolved inside the root before the first change, so a refusal leaves nothing behind.
            foreach (var path in plan.CreateDirectories.Concat(plan.Writes.Select(h => h.Path)).Append(GuardLayout.StatePath))
            {
                _jail.Resolve(path);
            }
            foreach (var directory in plan.CreateDirectories)
            {
                _verbose($"Creating {_root.MapPath(directory)}");
                _jail.CreateDirectory(directory);
            }
            foreach (var hook in plan.Writes)
            {
                if (!_root.FileExists(hook.Path))
                {
                    written.Add(hook.Path);
                }
                _verbose($"Writing {_root.MapPath(hook.Path)} (mode {GuardInstallPlan.Octal(hook.Mode)})");
                // Hooks are regenerated data: no backup beside them, or uninstall would have one more file to account for.
                _jail.WriteFile(hook.Path, System.Text.Encoding.UTF8.GetBytes(hook.Content), hook.Mode);
            }
            if (plan.WritesState && plan.State is not null)
            {
                _verbose($"Recording the installation in {_root.MapPath(GuardLayout.StatePath)}");
                GuardStateFile.Write(_root, plan.State);
            }
        }
        catch (PathOutsideRootException e)
        {
            return Undone(new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, _root.RootPath), written);
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
        foreach (var path in written)
        {
            try
            {
                _verbose($"Removing {_root.MapPath(path)} again");
                _jail.DeleteFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                left.Add($"{_root.MapPath(path)} (should not exist: {e.Message})");
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
                _jail.DeleteFile(path);
            }
            if (plan.DeleteState)
            {
                _verbose($"Deleting {_root.MapPath(GuardLayout.StatePath)}");
                _jail.DeleteFile(GuardLayout.StatePath);
            }
            else if (plan.State is not null)
            {
                _verbose($"Removing the installation record from {_root.MapPath(GuardLayout.StatePath)}");
                GuardStateFile.Write(_root, plan.State);
            }
            foreach (var directory in plan.RemoveDirectories)
            {
                if (_jail.DeleteEmptyDirectory(directory))
                {
                    _verbose($"Removed the empty directory {_root.MapPath(directory)}");
                }
            }
        }
        catch (PathOutsideRootException e)
        {
            return new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, _root.RootPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Failure(ErrorIds.GuardNotUninstalled, FailureCategory.WriteError, $"Uninstalling the guard under {_root.RootPath} failed: {e.Message}", _root.RootPath);
        }
        var left = plan.Deletes.Where(_root.FileExists).ToList();
        return left.Count == 0 ? null
            : new Failure(ErrorIds.GuardNotUninstalled, FailureCategory.InvalidResult, $"These hooks are still there after deleting them: {string.Join(", ", left)}.", _root.RootPath);
    }

    private bool ReadsBack(GuardHook hook)
    {
        return _root.FileExists(hook.Path) && _root.ReadAllText(hook.Path) == hook.Content
            && File.GetUnixFileMode(_root.MapPath(_root.ResolvePath(hook.Path)!)) == hook.Mode;
    }
}
