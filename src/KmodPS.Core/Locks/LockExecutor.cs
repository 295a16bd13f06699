using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// Runs a <see cref="LockPlan"/>: each command (argument vector) and atomic file edit in order; on any failure,
/// restores the store files and undoes the commands already run, so nothing is left half-done. Then reads the
/// stores back and checks every expectation (else <c>LockNotApplied</c>), and records what KmodPS added.
/// </summary>
public sealed class LockExecutor
{
    private readonly ISystemRoot _root;
    private readonly RootJail _jail;
    private readonly ICommandRunner _runner;

    public LockExecutor(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _jail = RootJail.For(root);
        _runner = runner;
    }

    /// <summary>Runs the plan holding the root's change lock (<see cref="RootChangeLock"/>); a refusal changes nothing.</summary>
    public LockOutcome Execute(LockPlan plan, LockSnapshot snapshot, CancellationToken cancellationToken = default) =>
        RootChangeLock.Around(_root, () => ExecuteHeld(plan, snapshot, cancellationToken), refusal => Failed(refusal, new List<string>()), cancellationToken: cancellationToken);

    private LockOutcome ExecuteHeld(LockPlan plan, LockSnapshot snapshot, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var target = plan.Kernels.Count == 0 ? "all kernels" : string.Join(", ", plan.Kernels);
        if (plan.Actions.Any(a => a.Store == LockStore.DnfVersionlockList) && DnfProcessLock.Holder(_root) is { } pid)
        {
            return Failed(LockFailures.PackageManagerLocked(target, "dnf", $"process {pid} holds a dnf lock under {_root.RootPath}"), warnings);
        }
        if (ChangedSince(snapshot, target) is { } changed)
        {
            return Failed(changed, warnings);
        }
        TemporaryDirectories.ReclaimAbandoned();
        var savedFiles = plan.RollbackFiles.Distinct().ToDictionary(p => p, ReadOrNull, StringComparer.Ordinal);
        var stateFile = new LockStateFile(_root);
        var savedState = new[] { LockStateFile.Path, LockStateFile.Path + ".bak" }.ToDictionary(p => p, ReadOrNull, StringComparer.Ordinal);
        var settled = !stateFile.HasIntent() && snapshot.Records.SequenceEqual(stateFile.Read(new DiagnosticLog()));
        if (plan.Operation is LockOperation.Pin or LockOperation.Exclude)
        {
            // Recorded before any command runs: a change killed midway leaves locks that the intent still claims.
            var intent = new LockIntent(plan.Operation, Environment.ProcessId, DateTimeOffset.UtcNow, plan.Kernels.ToList(),
                snapshot.Entries.Select(e => new LockIntentEntry(e.Store, e.Key)).ToList());
            try
            {
                stateFile.Write(snapshot.Records, intent);
                settled = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Failed(LockFailures.NotApplied(target, $"cannot record the change in {_root.MapPath(LockStateFile.Path)} before making it: {e.Message}. Nothing was changed.", FailureCategory.WriteError), warnings);
            }
        }
        var commandsRun = 0;
        foreach (var action in plan.Actions)
        {
            Failure? failure;
            try
            {
                failure = action switch
                {
                    CommandAction command => Run(command, snapshot, target, cancellationToken),
                    FileEditAction edit => Edit(edit, target),
                    _ => null,
                };
            }
            catch (OperationCanceledException)
            {
                RollbackWithState(plan, savedFiles, savedState, commandsRun > 0, warnings);
                throw;
            }
            if (failure is not null)
            {
                return Failed(Undone(failure, RollbackWithState(plan, savedFiles, savedState, commandsRun > 0, warnings)), warnings);
            }
            if (action is CommandAction)
            {
                commandsRun++;
            }
        }
        var log = new DiagnosticLog();
        var after = LockEntries.From(new LockStoreReader(_root).Read(log));
        warnings.AddRange(log.Warnings);
        var unmet = plan.Expectations.Where(e => !e.IsMet(after)).ToList();
        if (unmet.Count > 0)
        {
            var left = RollbackWithState(plan, savedFiles, savedState, commandsRun > 0, warnings);
            return Failed(Undone(LockFailures.NotApplied(target,
                $"after {plan.Actions.Count} step(s) the lock store does not show {string.Join("; ", unmet.Select(u => u.Description))}." + (left.Count == 0 ? " The change was undone." : string.Empty)), left), warnings);
        }
        var before = snapshot.Entries;
        var added = after.Where(a => !before.Any(b => b.Store == a.Store && b.Key == a.Key)).ToList();
        var removed = before.Where(b => !after.Any(a => a.Store == b.Store && a.Key == b.Key)).ToList();
        var records = UpdatedRecords(plan, snapshot, added, removed);
        try
        {
            if (!settled || !records.SequenceEqual(snapshot.Records))
            {
                // The intent's write kept the file before the change as locks.json.bak; this one confirms it.
                stateFile.Write(records, intent: null, keepBackup: plan.Operation is not (LockOperation.Pin or LockOperation.Exclude));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"The locks changed, but KmodPS could not confirm them in {_root.MapPath(LockStateFile.Path)}: {e.Message}. Its record of the change still claims them: Unlock-Kernel removes them.");
        }
        return new LockOutcome(null,
            added.Select(e => e.ToKernelLock(records.Any(r => r.Matches(e)), _root.RootPath)).ToList(),
            removed.Select(e => e.ToKernelLock(snapshot.Records.Any(r => r.Matches(e)), _root.RootPath)).ToList(),
            warnings);
    }

    /// <summary>
    /// For a run with nothing to change: confirms what an interrupted change left (the locks its recorded intent claims
    /// become ordinary records, and the intent goes), so that locks added later by others are never taken for KmodPS's.
    /// Skipped when another change holds the root (it settles the file itself) or the locks moved since the snapshot.
    /// </summary>
    public void SettleInterrupted(LockSnapshot snapshot)
    {
        var state = new LockStateFile(_root);
        if (!state.HasIntent() || RootChangeLock.TryAcquire(_root, out var held, TimeSpan.Zero) is not null)
        {
            return;
        }
        using (held)
        {
            try
            {
                if (ChangedSince(snapshot, "all kernels") is null)
                {
                    state.Write(snapshot.Records, intent: null, keepBackup: false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The intent stays and keeps claiming the same locks; the next change settles it.
            }
        }
    }

    // The plan was made from a snapshot read before the lock was taken: a change that ran meanwhile makes it stale.
    private Failure? ChangedSince(LockSnapshot snapshot, string target)
    {
        var log = new DiagnosticLog();
        var now = LockEntries.From(new LockStoreReader(_root).Read(log));
        var records = new LockStateFile(_root).Read(log, now);
        var same = now.Select(e => (e.Store, e.Key)).ToHashSet().SetEquals(snapshot.Entries.Select(e => (e.Store, e.Key)))
            && records.ToHashSet().SetEquals(snapshot.Records);
        return same ? null : new Failure(ErrorIds.RootChangeInProgress, FailureCategory.ResourceUnavailable,
            $"Another KmodPS change changed the locks under {_root.RootPath} while this one waited for it; nothing was changed. Run the command again.", target,
            "Run the command again: it plans from the locks as they are now.");
    }

    // The state file is put back only when everything else was: otherwise its intent keeps claiming what is left.
    private List<string> RollbackWithState(LockPlan plan, IReadOnlyDictionary<string, string?> savedFiles, IReadOnlyDictionary<string, string?> savedState, bool commandsRan, List<string> warnings)
    {
        var left = Rollback(plan, savedFiles, commandsRan, warnings);
        if (left.Count == 0)
        {
            left.AddRange(RestoreFiles(savedState, warnings));
        }
        return left;
    }

    // The failure itself when the rollback put everything back; else RestoreFailed, which names it and what is left.
    private static Failure Undone(Failure failure, IReadOnlyCollection<string> left) => left.Count == 0 ? failure : RestoreFailure.Of(failure, left);

    private static LockOutcome Failed(Failure failure, List<string> warnings) =>
        new(failure, Array.Empty<KernelLock>(), Array.Empty<KernelLock>(), warnings);

    private static List<LockRecord> UpdatedRecords(LockPlan plan, LockSnapshot snapshot, IReadOnlyList<LockEntry> added, IReadOnlyList<LockEntry> removed)
    {
        var records = snapshot.Records
            .Where(r => !plan.RecordsToRemove.Contains(r) && !removed.Any(r.Matches))
            .Select(r => plan.RecordsToReassign.FirstOrDefault(p => p.Key == r) is { Key: not null } move ? r with { KernelVersion = move.Value } : r)
            .ToList();
        if (plan.Operation is LockOperation.Pin or LockOperation.Exclude)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var entry in added.Where(e => !records.Any(r => r.Matches(e))))
            {
                var kernel = plan.Kernels.FirstOrDefault(k => KernelRelease.Same(entry.KernelVersion, k)) ?? plan.Kernels.FirstOrDefault() ?? entry.KernelVersion ?? string.Empty;
                records.Add(new LockRecord(entry.Store, entry.Source, entry.Key, entry.Package, entry.Version, entry.Kind, kernel, now));
            }
        }
        return records;
    }

    private Failure? Run(CommandAction action, LockSnapshot snapshot, string target, CancellationToken cancellationToken)
    {
        var directories = action.TemporaryFiles.Select(f => Path.GetDirectoryName(f.Path)!).Distinct().ToList();
        try
        {
            foreach (var directory in directories)
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            foreach (var file in action.TemporaryFiles)
            {
                File.WriteAllText(file.Path, file.Content);
            }
            _jail.RequireSameForPrefixTools(action.Store switch
            {
                LockStore.DnfVersionlockList or LockStore.DnfVersionlockToml => PrefixToolDirectories.Dnf,
                LockStore.ZyppLocks => PrefixToolDirectories.Zypper,
                _ => PrefixToolDirectories.Apt,
            });
            if (action.Store == LockStore.DnfVersionlockList)
            {
                // The list dnf is told to use (locklist=) must still resolve inside the root.
                _jail.ToolPath(snapshot.Stores.VersionlockListPath);
            }
            var result = _runner.Run(action.Request, cancellationToken);
            return result.Succeeded ? null : CommandFailureClassifier.Classify(result, action.Store, target);
        }
        catch (PathOutsideRootException e)
        {
            return new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, target);
        }
        catch (CommandNotFoundException)
        {
            return LockFailures.PackageManagerNotFound(target, action.Store switch
            {
                LockStore.DnfVersionlockList => LockBackend.Dnf4,
                LockStore.DnfVersionlockToml => LockBackend.Dnf5,
                LockStore.ZyppLocks => LockBackend.Zypper,
                _ => LockBackend.Apt,
            }, _root.RootPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return LockFailures.NotApplied(target, $"cannot prepare {action.Request.FileName}: {e.Message}", FailureCategory.WriteError);
        }
        finally
        {
            foreach (var directory in directories.Where(Directory.Exists))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private Failure? Edit(FileEditAction action, string target)
    {
        try
        {
            var current = ReadOrNull(action.TreePath);
            var updated = action.Edit(current);
            if (updated == current)
            {
                return null;
            }
            var backup = LockStateFile.BackupPathFor(action.TreePath);
            if (updated is null)
            {
                _jail.DeleteFile(action.TreePath, backup);
            }
            else
            {
                _jail.WriteFile(action.TreePath, System.Text.Encoding.UTF8.GetBytes(updated), backupPath: backup);
            }
            return null;
        }
        catch (PathOutsideRootException e)
        {
            return new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return LockFailures.NotApplied(target, $"cannot write {_root.MapPath(action.TreePath)}: {e.Message}", FailureCategory.WriteError);
        }
    }

    // Restores the store files and undoes command-made changes; returns what it could not put back (each also a warning).
    private List<string> Rollback(LockPlan plan, IReadOnlyDictionary<string, string?> savedFiles, bool commandsRan, List<string> warnings)
    {
        var left = RestoreFiles(savedFiles, warnings);
        if (commandsRan)
        {
            foreach (var command in plan.RollbackCommands)
            {
                string? why;
                try
                {
                    why = _runner.Run(command.Request).Succeeded ? null : "failed";
                }
                catch (CommandNotFoundException e)
                {
                    why = e.Message;
                }
                catch (OperationCanceledException)
                {
                    why = "interrupted";
                }
                if (why is not null)
                {
                    warnings.Add($"Undo {(why == "interrupted" ? "interrupted" : "failed")}: {command.Description}");
                    left.Add($"the undo step {command.Description} ({why})");
                }
            }
        }
        return left;
    }

    private List<string> RestoreFiles(IReadOnlyDictionary<string, string?> savedFiles, List<string> warnings)
    {
        var left = new List<string>();
        foreach (var (path, saved) in savedFiles)
        {
            try
            {
                var current = ReadOrNull(path);
                if (current == saved)
                {
                    continue;
                }
                if (saved is null)
                {
                    _jail.DeleteFile(path);
                }
                else
                {
                    _jail.WriteFile(path, System.Text.Encoding.UTF8.GetBytes(saved));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"Could not restore {_root.MapPath(path)}: {e.Message}");
                left.Add($"{_root.MapPath(path)} ({(saved is null ? "should not exist" : "should hold its previous content")}: {e.Message})");
            }
        }
        return left;
    }

    private string? ReadOrNull(string treePath) => _root.FileExists(treePath) ? _root.ReadAllText(treePath) : null;
}
