using KmodPS.Diagnostics;
using KmodPS.Platform;

namespace KmodPS.Locks;

/// <summary>
/// What KmodPS added to the lock stores of a root: <c>/var/lib/kmodps/locks.json</c> under the root, written
/// atomically (temporary file, fsync, rename) with the previous version kept as <c>locks.json.bak</c>.
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
    public IReadOnlyList<LockRecord> Read(DiagnosticLog log)
    {
        if (!_root.FileExists(Path))
        {
            return Array.Empty<LockRecord>();
        }
        try
        {
            var document = StateJson.Read<StateDocument>(_root.ReadAllText(Path));
            return document?.Locks?.Where(r => r is not null && r.Key is not null).ToList() ?? new List<LockRecord>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            log.Warn($"Cannot read the KmodPS lock state {_root.MapPath(Path)}: {e.Message}. Locks KmodPS added are shown as not made by KmodPS; Unlock-Kernel -All still removes them.");
            return Array.Empty<LockRecord>();
        }
    }

    /// <summary>Replaces the recorded locks (atomically, keeping the previous file as <c>locks.json.bak</c>).</summary>
    public void Write(IReadOnlyList<LockRecord> records)
    {
        var text = StateJson.Write(new StateDocument { Version = FormatVersion, Locks = records.ToList() }, omitNulls: false) + "\n";
        RootJail.For(_root).WriteFile(Path, System.Text.Encoding.UTF8.GetBytes(text), backupPath: Path + ".bak");
    }

    /// <summary>The backup location (inside the root) for a file KmodPS edits: <c>/var/lib/kmodps/backup/etc_dnf_plugins_versionlock.list.bak</c>.</summary>
    public static string BackupPathFor(string treePath) =>
        TreePath.Combine(BackupDirectory, TreePath.Normalize(treePath).TrimStart('/').Replace('/', '_') + ".bak");

    private sealed class StateDocument
    {
        public int Version { get; set; }

        public List<LockRecord>? Locks { get; set; }
    }
}
