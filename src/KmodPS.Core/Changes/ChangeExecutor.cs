using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Changes;

/// <summary>What a change did: its failure (null when it was applied), and the warnings gathered on the way.</summary>
public sealed record ChangeOutcome(Failure? Failure, IReadOnlyList<string> Warnings, ChangeContext? Context)
{
    public bool Applied => Failure is null;
}

/// <summary>
/// Runs every KmodPS change the same way: take the root's change lock (<see cref="RootChangeLock"/>), check the plan
/// still holds, save the files it touches, record it in its journal, apply the steps in order, read the result back,
/// then settle the journal. When a step or the read-back fails, the steps already run are undone (files restored byte
/// for byte through the jail, undo commands run in reverse), and a restore that fails is RestoreFailed, naming what
/// is left to check. A refused plan changes nothing and takes no lock; neither does one this user may not make
/// (RootRequired: not root, on the host or on a root it cannot write).
/// </summary>
public sealed class ChangeExecutor
{
    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;
    private readonly Action<string> _verbose;

    public ChangeExecutor(ISystemRoot root, ICommandRunner runner, Action<string>? verbose = null)
    {
        _root = root;
        _runner = runner;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>
    /// RootRequired when this process may not change <paramref name="root"/> (not root on the host, or a root it cannot
    /// write), whatever else the plan says: what a refusal found while reading as this user comes after it.
    /// </summary>
    public static Failure? RequirePrivilege(ISystemRoot root, ChangePlan plan) =>
        ProcessPrivileges.WhyCannotChange(root) is { } why
            ? new Failure(ErrorIds.RootRequired, FailureCategory.PermissionDenied,
                $"{plan.Action} {plan.Target}: {why} Nothing was changed." + (plan.IsRefused ? $" (Read as this user: {plan.Refusals[0].Message})" : string.Empty), plan.Target)
            : null;

    /// <summary>Test seam: fails every change after this many steps (at the read-back when it has no more), as a crash would.</summary>
    internal static int? InjectFailureAfterStep { get; set; }

    public ChangeOutcome Execute(ChangePlan plan, CancellationToken cancellationToken = default)
    {
        // Every change, even one with nothing to do, removes the temporary directories of KmodPS processes that died.
        TemporaryDirectories.ReclaimAbandoned();
        if (plan.IsRefused)
        {
            return new ChangeOutcome(plan.Refusals[0], plan.Warnings, null);
        }
        if (plan.IsNoOp)
        {
            return new ChangeOutcome(null, plan.Warnings, null);
        }
        if (RequirePrivilege(_root, plan) is { } unprivileged)
        {
            return new ChangeOutcome(unprivileged, plan.Warnings, null);
        }
        return RootChangeLock.Around(_root, () => ExecuteHeld(plan, cancellationToken),
            refusal => new ChangeOutcome(refusal with { Target = plan.Target }, plan.Warnings, null), cancellationToken: cancellationToken);
    }

    private ChangeOutcome ExecuteHeld(ChangePlan plan, CancellationToken cancellationToken)
    {
        var warnings = plan.Warnings.ToList();
        var context = new ChangeContext(_root, _runner, _verbose, cancellationToken);
        if (plan.Precondition?.Invoke() is { } stale)
        {
            return new ChangeOutcome(stale, warnings, context);
        }
        var saved = new SavedFiles(context.Jail, _root);
        var journal = new SavedFiles(context.Jail, _root);
        try
        {
            saved.SaveAbsentDirectories(plan.Steps.OfType<DirectoryChange>().Where(d => d.Create).Select(d => d.TreePath));
            saved.Save(plan.Touches
                .Concat(plan.Steps.OfType<FileChange>().SelectMany(f => f.BackupPath is { } backup ? new[] { f.TreePath, backup } : new[] { f.TreePath })));
            journal.Save(plan.Journal?.Files ?? Array.Empty<string>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
        {
            return new ChangeOutcome(Refused(plan, e, $"{plan.Action} {plan.Target} was not started: the files it changes could not be saved first ({e.Message}). Nothing was changed."), warnings, context);
        }
        if (plan.Journal?.Begin() is { } unrecorded)
        {
            return new ChangeOutcome(unrecorded, warnings, context);
        }
        var ran = new List<ChangeStep>();
        foreach (var step in plan.Steps)
        {
            Failure? failure;
            try
            {
                if (InjectFailureAfterStep is { } after && ran.Count >= after)
                {
                    throw new IOException($"injected failure before step {ran.Count + 1} ({step.Description})");
                }
                _verbose(step.Description);
                failure = step.Apply(context);
            }
            catch (OperationCanceledException)
            {
                Undo(plan, saved, journal, ran, warnings);
                throw;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException or CommandNotFoundException)
            {
                failure = Refused(plan, e, $"{plan.Action} {plan.Target} failed at '{step.Description}': {e.Message}");
            }
            if (failure is not null)
            {
                return new ChangeOutcome(Undone(failure, plan.Reversible || ran.Count == 0 ? Undo(plan, saved, journal, ran, warnings) : Array.Empty<string>()), warnings, context);
            }
            ran.Add(step);
        }
        Failure? readBack;
        try
        {
            if (InjectFailureAfterStep is { } after && ran.Count >= after)
            {
                throw new IOException($"injected failure after step {ran.Count}, before the read-back");
            }
            readBack = plan.ReadBack?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            readBack = new Failure(plan.FailureId, FailureCategory.ReadError, $"{plan.Action} {plan.Target}: the result could not be read back: {e.Message}", plan.Target);
        }
        if (readBack is not null)
        {
            return new ChangeOutcome(Undone(readBack, plan.Reversible ? Undo(plan, saved, journal, ran, warnings) : Array.Empty<string>()), warnings, context);
        }
        warnings.AddRange(plan.Leftovers?.Invoke() ?? Array.Empty<string>());
        if (plan.Journal?.Complete(context) is { } unsettled)
        {
            warnings.Add(unsettled.Message);
        }
        return new ChangeOutcome(null, warnings, context);
    }

    // The failure itself when everything was put back; else RestoreFailed, which names it and what is left.
    private static Failure Undone(Failure failure, IReadOnlyCollection<string> left) => left.Count == 0 ? failure : RestoreFailure.Of(failure, left);

    private static Failure Refused(ChangePlan plan, Exception e, string message) => e switch
    {
        PathOutsideRootException => new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, plan.Target),
        UnauthorizedAccessException => new Failure(plan.FailureId, FailureCategory.PermissionDenied, message, plan.Target),
        CommandNotFoundException => new Failure(plan.FailureId, FailureCategory.NotInstalled, message, plan.Target),
        _ => new Failure(plan.FailureId, FailureCategory.WriteError, message, plan.Target),
    };

    // Undo commands first (newest first), then the files: what a command wrote is overwritten by the saved copy. The
    // journal's files go back last, and only when everything else did: a journal that still claims what is left lets
    // the next change finish the job.
    private List<string> Undo(ChangePlan plan, SavedFiles saved, SavedFiles journal, IReadOnlyList<ChangeStep> ran, List<string> warnings)
    {
        var left = new List<string>();
        var context = new ChangeContext(_root, _runner, _verbose, CancellationToken.None);
        foreach (var undo in ran.AsEnumerable().Reverse().Select(s => s.Undo).OfType<ChangeStep>())
        {
            string? why;
            try
            {
                why = undo.Apply(context)?.Message;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CommandNotFoundException or PathOutsideRootException)
            {
                why = e.Message;
            }
            if (why is not null)
            {
                warnings.Add($"Undo failed: {undo.Description}: {why}");
                left.Add($"the undo step {undo.Description} ({why})");
            }
        }
        left.AddRange(saved.Restore(warnings, _verbose));
        if (left.Count == 0)
        {
            left.AddRange(journal.Restore(warnings, _verbose));
        }
        saved.RemoveCreatedDirectories(warnings, _verbose);
        return left;
    }

    /// <summary>
    /// The files a change saved before its first step, put back only where they differ, and the directories it was
    /// to create: those that did not exist are removed again (when empty) once every file is back.
    /// </summary>
    private sealed class SavedFiles
    {
        private readonly RootJail _jail;
        private readonly ISystemRoot _root;
        private readonly Dictionary<string, (byte[] Content, UnixFileMode Mode)?> _content = new(StringComparer.Ordinal);
        private readonly List<string> _absentDirectories = new();

        public SavedFiles(RootJail jail, ISystemRoot root)
        {
            _jail = jail;
            _root = root;
        }

        // A path that is a directory (or anything but a file) is not KmodPS's to put back: it is left out, never deleted.
        public void Save(IEnumerable<string> treePaths)
        {
            foreach (var path in treePaths.Distinct(StringComparer.Ordinal))
            {
                if (_root.FileExists(path) || !_root.DirectoryExists(path))
                {
                    _content[path] = _jail.ReadWithModeOrNull(path);
                    if (_content[path] is null)
                    {
                        // Writing a new file creates its missing parents: they go again with it.
                        SaveAbsentDirectories(Parents(path).TakeWhile(d => !_root.DirectoryExists(d)));
                    }
                }
            }
        }

        public void SaveAbsentDirectories(IEnumerable<string> treePaths) =>
            _absentDirectories.AddRange(treePaths.Where(p => !_root.DirectoryExists(p) && !_absentDirectories.Contains(p, StringComparer.Ordinal)));

        private static IEnumerable<string> Parents(string treePath)
        {
            for (var parent = TreePath.Parent(treePath); parent is not null && parent != "/"; parent = TreePath.Parent(parent))
            {
                yield return parent;
            }
        }

        // Deepest first: a created parent empties only once its created children are gone.
        public void RemoveCreatedDirectories(List<string> warnings, Action<string> verbose)
        {
            foreach (var path in _absentDirectories.OrderByDescending(p => p.Count(c => c == '/')))
            {
                try
                {
                    if (_jail.DeleteEmptyDirectory(path))
                    {
                        verbose($"Removed the directory {_root.MapPath(path)} again");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
                {
                    warnings.Add($"Could not remove the directory {_root.MapPath(path)} again: {e.Message}");
                }
            }
        }

        public List<string> Restore(List<string> warnings, Action<string> verbose)
        {
            var left = new List<string>();
            foreach (var (path, saved) in _content)
            {
                try
                {
                    var current = _jail.ReadWithModeOrNull(path);
                    if (saved is not { } content ? current is null
                        : current is { } now && now.Mode == content.Mode && now.Content.AsSpan().SequenceEqual(content.Content))
                    {
                        continue;
                    }
                    verbose($"Restoring {_root.MapPath(path)}");
                    if (saved is not { } previous)
                    {
                        _jail.DeleteFile(path);
                    }
                    else
                    {
                        _jail.WriteFile(path, previous.Content, previous.Mode);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
                {
                    warnings.Add($"Could not restore {_root.MapPath(path)}: {e.Message}");
                    left.Add($"{_root.MapPath(path)} ({(saved is null ? "should not exist" : "should hold its previous content")}: {e.Message})");
                }
            }
            return left;
        }
    }
}
