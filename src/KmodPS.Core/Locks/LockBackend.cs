namespace KmodPS.Core.Locks;

/// <summary>The package manager whose lock store KmodPS changes for a root.</summary>
public enum LockBackend
{
    /// <summary>No supported package manager for this root.</summary>
    None,

    /// <summary>dnf 4 with the versionlock plugin (RHEL/Alma/Rocky 8-10, older Fedora).</summary>
    Dnf4,

    /// <summary>dnf 5 versionlock (Fedora 41 and later).</summary>
    Dnf5,

    /// <summary>apt-mark holds and apt preferences (Debian, Ubuntu).</summary>
    Apt,

    /// <summary>zypper locks (SUSE).</summary>
    Zypper,
}
