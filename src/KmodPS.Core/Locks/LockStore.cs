namespace KmodPS.Core.Locks;

/// <summary>The lock stores KmodPS reads and changes.</summary>
public enum LockStore
{
    /// <summary>dnf 4 versionlock plugin: <c>/etc/dnf/plugins/versionlock.list</c> (path from versionlock.conf <c>locklist</c>).</summary>
    DnfVersionlockList,

    /// <summary>dnf 5 versionlock: <c>/etc/dnf/versionlock.toml</c>.</summary>
    DnfVersionlockToml,

    /// <summary>dpkg selections (<c>apt-mark hold</c>): <c>Status: hold ...</c> in <c>/var/lib/dpkg/status</c>.</summary>
    DpkgHold,

    /// <summary>apt preferences with a negative Pin-Priority: <c>/etc/apt/preferences.d/*</c>.</summary>
    AptPreferences,

    /// <summary>libzypp locks: <c>/etc/zypp/locks</c>.</summary>
    ZyppLocks,
}
