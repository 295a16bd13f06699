using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// What KmodPS added to the lock stores of a root: <c>/var/lib/kmodps/locks.json</c> under the root, written
/// atomically (temporary file, fsync, rename) with the previous version kept as <c>locks.json.bak</c>.
/// Before a change runs dnf or apt-mark, its <see cref="LockIntent"/> is recorded here, and cleared once the change is
/// read back: a change killed in between leaves the intent, and every lock that appeared since it was recorded is then
/// read as KmodPS's own (<see cref="Read(DiagnosticLog, IReadOnlyList{LockEntry})"/>), so Unlock-Kernel removes it.
/// </summary>
public sealed class LockStateFile
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
            var kernel = kernels.FirstOrDefault(k => Kernels.KernelRelease.Same(entry.KernelVersion, k)) ?? kernels.FirstOrDefault() ?? entry.KernelVersion ?? string.Empty;
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
public sealed record LockIntent(LockOperation Operation, int ProcessId, DateTimeOffset Started, List<string>? Kernels, List<LockIntentEntry>? Before);

/// <summary>A store entry that existed before a <see cref="LockIntent"/>'s change.</summary>
public sealed record LockIntentEntry(LockStore Store, string Key);
