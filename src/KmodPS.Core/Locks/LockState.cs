using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// What KmodPS added to the lock stores of a root: <c>/var/lib/kmodps/locks.json</c> under the root, written
/// atomically (temporary file, fsync, rename) with the previous version kept as <c>locks.json.bak</c>.
/// Before a change runs dnf or apt-mark, its <see cref="LockIntent"/> is recorded here, and cleared once the change is
/// read back: a change killed in between leaves the intent, and every lock that appeared since it was recorded is then
/// read as KmodPS's own (<see cref="Read(DiagnosticLog, IReadOnlyList{LockEntry})"/>), so Unlock-Kernel removes it.
/// </summary>
internal sealed class LockStateFile
{
    public const string Path = "/var/lib/kmodps/locks.json";
    public const string BackupDirectory = "/var/lib/kmodps/backup";
    private const int FormatVersion = 1;

    private readonly ISystemRoot _root;

    public LockStateFile(ISystemRoot root)
    {
        _root = root;
    }

    /// <summary>The recorded locks; empty when the file does not exist, with a warning when it cannot be read.</summary>
    public IReadOnlyList<LockRecord> Read(DiagnosticLog log) => ReadDocument(log)?.Locks?.Where(r => r is not null && r.Key is not null).ToList() ?? new List<LockRecord>();

    /// <summary>
    /// The recorded locks, plus, while an unconfirmed <see cref="LockIntent"/> is recorded, one record for each entry of
    /// <paramref name="current"/> that was not in the stores when the intent was recorded: a lock the interrupted
    /// change may have made counts as KmodPS's own until a change settles the file.
    /// </summary>
    public IReadOnlyList<LockRecord> Read(DiagnosticLog log, IReadOnlyList<LockEntry> current)
    {
        var document = ReadDocument(log);
        var records = document?.Locks?.Where(r => r is not null && r.Key is not null).ToList() ?? new List<LockRecord>();
        if (document?.Intent is not { } intent)
        {
            return records;
        }
        var before = (intent.Before ?? new List<LockIntentEntry>()).Select(b => (b.Store, b.Key)).ToHashSet();
        foreach (var entry in current.Where(e => !before.Contains((e.Store, e.Key)) && !records.Any(r => r.Matches(e))))
        {
            var kernels = intent.Kernels ?? new List<string>();
            var kernel = kernels.FirstOrDefault(k => KernelRelease.Same(entry.KernelVersion, k)) ?? kernels.FirstOrDefault() ?? entry.KernelVersion ?? string.Empty;
            records.Add(new LockRecord(entry.Store, entry.Source, entry.Key, entry.Package, entry.Version, entry.Kind, kernel, intent.Started));
        }
        return records;
    }

    /// <summary>Replaces the recorded locks (atomically, keeping the previous file as <c>locks.json.bak</c>) and clears any intent.</summary>
    public void Write(IReadOnlyList<LockRecord> records) => Write(records, null);

    /// <summary>Records a change about to run (<paramref name="intent"/>) beside the locks recorded so far, or clears it when null.</summary>
    public void Write(IReadOnlyList<LockRecord> records, LockIntent? intent, bool keepBackup = true)
    {
        var text = StateJson.Write(new StateDocument { Version = FormatVersion, Locks = records.ToList(), Intent = intent }, omitNulls: false) + "\n";
        RootJail.For(_root).WriteFile(Path, System.Text.Encoding.UTF8.GetBytes(text), backupPath: keepBackup ? Path + ".bak" : null);
    }

    /// <summary>Whether the file records a change that was never confirmed (an unreadable file has none).</summary>
    public bool HasIntent() => ReadDocument(new DiagnosticLog())?.Intent is not null;

    private StateDocument? ReadDocument(DiagnosticLog log)
    {
        if (!_root.FileExists(Path))
        {
            return null;
        }
        try
        {
            return StateJson.Read<StateDocument>(_root.ReadAllText(Path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            log.Warn($"Cannot read the KmodPS lock state {_root.MapPath(Path)}: {e.Message}. Locks KmodPS added are shown as not made by KmodPS; Unlock-Kernel -All still removes them.");
            return null;
        }
    }

    /// <summary>The backup location (inside the root) for a file KmodPS edits: <c>/var/lib/kmodps/backup/etc_dnf_plugins_versionlock.list.bak</c>.</summary>
    public static string BackupPathFor(string treePath) =>
        TreePath.Combine(BackupDirectory, TreePath.Normalize(treePath).TrimStart('/').Replace('/', '_') + ".bak");

    /// <summary>
    /// Edits a lock store file (a null result deletes it), keeping its previous content under
    /// <c>/var/lib/kmodps/backup</c> rather than beside it: apt reads every file of preferences.d.
    /// </summary>
    internal static FileChange Edit(string description, string treePath, Func<string?, string?> edit) =>
        FileChange.Edit($"{description} (backup {BackupPathFor(treePath)})", treePath, edit, backupPath: BackupPathFor(treePath));

    private sealed class StateDocument
    {
        public int Version { get; set; }

        public List<LockRecord>? Locks { get; set; }

        // Absent unless a change is under way: a settled file is byte for byte what earlier versions wrote.
        [Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)]
        public LockIntent? Intent { get; set; }
    }
}

/// <summary>
/// A lock change that has started but not been read back: who started it, for which kernels, and the store entries
/// that existed before it (anything else found while the intent is recorded may be the change's work).
/// </summary>
internal sealed record LockIntent(LockOperation Operation, int ProcessId, DateTimeOffset Started, List<string>? Kernels, List<LockIntentEntry>? Before);

/// <summary>A store entry that existed before a <see cref="LockIntent"/>'s change.</summary>
internal sealed record LockIntentEntry(LockStore Store, string Key);

/// <summary>
/// A lock KmodPS added, as recorded in its state file: the store, the entry's <see cref="LockEntry.Key"/> there,
/// and the kernel release the user asked for (a Debian metapackage hold belongs to the pin that added it).
/// </summary>
public sealed record LockRecord(LockStore Store, string Source, string Key, string Package, string? Version, KernelLockKind Kind, string KernelVersion, DateTimeOffset Added)
{
    public bool Matches(LockEntry entry) => entry.Store == Store && entry.Key == Key;
}

/// <summary>The kind of change a lock plan makes (recorded in an intent).</summary>
internal enum LockOperation
{
    Pin,
    Exclude,
    Unlock,
}

/// <summary>
/// Lock-Kernel's and Unlock-Kernel's journal in locks.json, for the change pipeline. Before the first command of a
/// pin or exclude, <see cref="Begin"/> records the change's intent (the entries that existed before it), so a change
/// killed midway leaves locks that the intent still claims as KmodPS's own. After the read-back,
/// <see cref="Complete"/> records what was added and forgets what was removed, and the intent goes. A run with nothing
/// to change still settles an interrupted change's intent: the locks it claims become ordinary records.
/// </summary>
public sealed class LockJournal : IChangeJournal
{
    private readonly ISystemRoot _root;
    private readonly LockSnapshot _snapshot;
    private readonly LockOperation _operation;
    private readonly IReadOnlyList<string> _kernels;
    private readonly string _target;
    private readonly bool _hasSteps;
    private IReadOnlyList<LockEntry>? _after;
    private bool _begun;
    private bool _moved;

    internal LockJournal(LockSnapshot snapshot, LockOperation operation, IReadOnlyList<string> kernels, string target, LockPlanBuilder plan)
    {
        _root = snapshot.Root;
        _snapshot = snapshot;
        _operation = operation;
        _kernels = kernels;
        _target = target;
        _hasSteps = plan.Steps.Count > 0;
        Expectations = plan.Expectations.ToList();
        RecordsToRemove = plan.RecordsToRemove.ToList();
        RecordsToReassign = new Dictionary<LockRecord, string>(plan.RecordsToReassign);
    }

    /// <summary>What the stores must show after the steps (checked by <see cref="ReadBack"/>).</summary>
    public IReadOnlyList<LockExpectation> Expectations { get; }

    /// <summary>KmodPS records to drop (their locks are gone or are being removed).</summary>
    public IReadOnlyList<LockRecord> RecordsToRemove { get; }

    /// <summary>KmodPS records kept but moved to another kernel (a metapackage hold still needed by another pin).</summary>
    public IReadOnlyDictionary<LockRecord, string> RecordsToReassign { get; }

    /// <summary>The locks the change added, as read back (after <see cref="Complete"/>).</summary>
    public IReadOnlyList<KernelLock> Added { get; private set; } = Array.Empty<KernelLock>();

    /// <summary>The locks the change removed, as read back (after <see cref="Complete"/>).</summary>
    public IReadOnlyList<KernelLock> Removed { get; private set; } = Array.Empty<KernelLock>();

    public bool HasWork => RecordsToRemove.Count > 0 || RecordsToReassign.Count > 0 || _snapshot.IntentRecorded;

    public IReadOnlyList<string> Files { get; } = new[] { LockStateFile.Path, LockStateFile.Path + ".bak" };

    public string Description => $"record the change in {_root.MapPath(LockStateFile.Path)} (backup {_root.MapPath(LockStateFile.Path)}.bak)";

    // Only settling what an interrupted change left: nothing of this run's own is at stake.
    private bool SettlesOnly => !_hasSteps && RecordsToRemove.Count == 0 && RecordsToReassign.Count == 0;

    /// <summary>
    /// Checked under the root's change lock: the plan was made from a snapshot read before the lock was taken, and a
    /// change that ran meanwhile makes it stale (RootChangeInProgress). A run that only settles skips settling instead:
    /// the change that moved the locks settled the file itself.
    /// </summary>
    public Failure? Unchanged()
    {
        var log = new DiagnosticLog();
        var now = new LockStoreReader(_root).Read(log).Entries;
        var records = new LockStateFile(_root).Read(log, now);
        var same = now.Select(e => (e.Store, e.Key)).ToHashSet().SetEquals(_snapshot.Entries.Select(e => (e.Store, e.Key)))
            && records.ToHashSet().SetEquals(_snapshot.Records);
        if (same)
        {
            return null;
        }
        _moved = true;
        return SettlesOnly ? null : new Failure(ErrorIds.RootChangeInProgress, FailureCategory.ResourceUnavailable,
            $"Another KmodPS change changed the locks under {_root.RootPath} while this one waited for it; nothing was changed. Run the command again.", _target,
            "Run the command again: it plans from the locks as they are now.");
    }

    public Failure? Begin()
    {
        if (_operation is LockOperation.Unlock || !_hasSteps)
        {
            return null;
        }
        var intent = new LockIntent(_operation, Environment.ProcessId, DateTimeOffset.UtcNow, _kernels.ToList(),
            _snapshot.Entries.Select(e => new LockIntentEntry(e.Store, e.Key)).ToList());
        try
        {
            new LockStateFile(_root).Write(_snapshot.Records, intent);
            _begun = true;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
        {
            return LockFailures.NotApplied(_target, $"cannot record the change in {_root.MapPath(LockStateFile.Path)} before making it: {e.Message}. Nothing was changed.", FailureCategory.WriteError);
        }
    }

    /// <summary>Reads the stores back after the steps; an expectation not met is LockNotApplied (and the change is undone).</summary>
    public Failure? ReadBack()
    {
        var log = new DiagnosticLog();
        _after = new LockStoreReader(_root).Read(log).Entries;
        var unmet = Expectations.Where(e => !e.IsMet(_after)).ToList();
        return unmet.Count == 0 ? null : LockFailures.NotApplied(_target,
            $"after the change the lock store does not show {string.Join("; ", unmet.Select(u => u.Description))}; the steps that ran were undone.");
    }

    public Failure? Complete(ChangeContext context)
    {
        if (_moved && SettlesOnly)
        {
            return null;
        }
        var after = _after ?? new LockStoreReader(_root).Read(new DiagnosticLog()).Entries;
        var before = _snapshot.Entries;
        var added = after.Where(a => !before.Any(b => b.Store == a.Store && b.Key == a.Key)).ToList();
        var removed = before.Where(b => !after.Any(a => a.Store == b.Store && a.Key == b.Key)).ToList();
        var records = UpdatedRecords(added, removed);
        Added = added.Select(e => e.ToKernelLock(records.Any(r => r.Matches(e)), _root.RootPath)).ToList();
        Removed = removed.Select(e => e.ToKernelLock(_snapshot.Records.Any(r => r.Matches(e)), _root.RootPath)).ToList();
        try
        {
            if (_begun || _snapshot.IntentRecorded || !records.SequenceEqual(_snapshot.Records))
            {
                // An intent's write kept the file before the change as locks.json.bak; this one confirms it.
                new LockStateFile(_root).Write(records, intent: null, keepBackup: _operation is LockOperation.Unlock && !SettlesOnly);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
        {
            // Reported as a warning: the change itself was made and read back.
            return new Failure(ErrorIds.LockNotApplied, FailureCategory.WriteError,
                $"The locks changed, but KmodPS could not confirm them in {_root.MapPath(LockStateFile.Path)}: {e.Message}. Its record of the change still claims them: Unlock-Kernel removes them.", _target);
        }
    }

    private List<LockRecord> UpdatedRecords(IReadOnlyList<LockEntry> added, IReadOnlyList<LockEntry> removed)
    {
        var records = _snapshot.Records
            .Where(r => !RecordsToRemove.Contains(r) && !removed.Any(r.Matches))
            .Select(r => RecordsToReassign.TryGetValue(r, out var kernel) ? r with { KernelVersion = kernel } : r)
            .ToList();
        if (_operation is LockOperation.Pin or LockOperation.Exclude)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var entry in added.Where(e => !records.Any(r => r.Matches(e))))
            {
                var kernel = _kernels.FirstOrDefault(k => KernelRelease.Same(entry.KernelVersion, k)) ?? _kernels.FirstOrDefault() ?? entry.KernelVersion ?? string.Empty;
                records.Add(new LockRecord(entry.Store, entry.Source, entry.Key, entry.Package, entry.Version, entry.Kind, kernel, now));
            }
        }
        return records;
    }
}
