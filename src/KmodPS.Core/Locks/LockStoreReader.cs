using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>Reads the lock stores of a root directly from their files (no process): dnf 4 and 5 versionlock, dpkg status, apt preferences, zypp locks.</summary>
public sealed class LockStoreReader
{
    private readonly ISystemRoot _root;

    public LockStoreReader(ISystemRoot root)
    {
        _root = root;
    }

    public LockStoreContents Read(DiagnosticLog log)
    {
        var listPath = VersionlockListPath(log);
        var zyppPath = ZyppLocksPath(log);
        var dpkgText = ReadIfExists(DpkgStatusFile.Path, log);
        var preferences = new List<KeyValuePair<string, string>>();
        if (ReadIfExists(AptPreferencesFile.MainPath, log) is { } main)
        {
            preferences.Add(new(AptPreferencesFile.MainPath, main));
        }
        foreach (var name in _root.ListDirectory(AptPreferencesFile.Directory).Where(IsAptPreferencesName))
        {
            var path = TreePath.Combine(AptPreferencesFile.Directory, name);
            if (ReadIfExists(path, log) is { } text)
            {
                preferences.Add(new(path, text));
            }
        }
        return new LockStoreContents
        {
            VersionlockListPath = listPath,
            VersionlockListText = ReadIfExists(listPath, log),
            VersionlockTomlText = ReadIfExists(VersionlockTomlFile.DefaultPath, log),
            DpkgPackages = dpkgText is null ? null : DpkgStatusFile.Parse(dpkgText),
            AptPreferences = preferences,
            ZyppLocksPath = zyppPath,
            ZyppLocksText = ReadIfExists(zyppPath, log),
        };
    }

    /// <summary>The dnf 4 lock list of the root: <c>locklist</c> of the root's versionlock.conf, default <c>/etc/dnf/plugins/versionlock.list</c>.</summary>
    public string VersionlockListPath(DiagnosticLog log) =>
        ReadIfExists(VersionlockListFile.ConfigPath, log) is { } config && VersionlockListFile.LocklistFromConfig(config) is { } path
            ? TreePath.Normalize(path)
            : VersionlockListFile.DefaultPath;

    private string ZyppLocksPath(DiagnosticLog log) =>
        ReadIfExists(ZyppLocksFile.ConfigPath, log) is { } config && ZyppLocksFile.PathFromConfig(config) is { } path
            ? TreePath.Normalize(path)
            : ZyppLocksFile.DefaultPath;

    // apt reads files without an extension or ending in .pref whose names use only [A-Za-z0-9_.-].
    private static bool IsAptPreferencesName(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && (!name.Contains('.') || name.EndsWith(".pref", StringComparison.Ordinal));

    private string? ReadIfExists(string path, DiagnosticLog log)
    {
        if (!_root.FileExists(path))
        {
            return null;
        }
        try
        {
            return _root.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {_root.MapPath(path)}: {e.Message}");
            return null;
        }
    }
}
