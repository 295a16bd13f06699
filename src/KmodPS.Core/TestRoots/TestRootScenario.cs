namespace KmodPS.Core.TestRoots;

/// <summary>The system trees New-KmodTestRoot can build (the lab worlds' shapes, as files only).</summary>
public enum TestRootScenario
{
    /// <summary>AlmaLinux 9.7 with kmod-nvidia-open on 611.41.1 and 611.45.1, both installed and in the repository; default 611.45.1.</summary>
    Healthy,

    /// <summary>The AlmaLinux incident: kernels 611.41.1, 611.45.1, 611.49.1 installed, kmod-nvidia-open only for 611.41.1, default 611.49.1.</summary>
    AlmaNvidiaKmodMissing,

    /// <summary>AlmaLinux before the update: 611.41.1 installed with its kmod; 611.45.1 and 611.49.1 in the repository without one.</summary>
    AlmaNvidiaBeforeUpdate,

    /// <summary>Debian 12: a DKMS build older than its kernel's headers (stale) and a second kernel without headers (missing).</summary>
    DebianDkmsStale,

    /// <summary>Debian 12 with Secure Boot on and a DKMS module signed by a MOK key that is not enrolled.</summary>
    SecureBootUntrusted,
}
