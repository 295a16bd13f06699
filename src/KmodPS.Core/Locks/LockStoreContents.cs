using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>
/// The raw content of a root's lock stores as read (a null text means the file does not exist): the input of the
/// pure parsers (<see cref="LockEntries"/>) and of the planner's file edits.
/// </summary>
public sealed record LockStoreContents
{
    /// <summary>The dnf 4 lock list inside the root (versionlock.conf <c>locklist</c>, default <c>/etc/dnf/plugins/versionlock.list</c>).</summary>
    public string VersionlockListPath { get; init; } = VersionlockListFile.DefaultPath;

    public string? VersionlockListText { get; init; }

    public string VersionlockTomlPath { get; init; } = VersionlockTomlFile.DefaultPath;

    public string? VersionlockTomlText { get; init; }

    /// <summary>dpkg's status file, parsed; null when the root has no dpkg database.</summary>
    public IReadOnlyList<DpkgPackage>? DpkgPackages { get; init; }

    /// <summary>apt preferences files (path inside the root, text).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AptPreferences { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public string ZyppLocksPath { get; init; } = ZyppLocksFile.DefaultPath;

    public string? ZyppLocksText { get; init; }

    public static LockStoreContents Empty { get; } = new();
}
