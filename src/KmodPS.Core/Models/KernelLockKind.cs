namespace KmodPS.Core.Models;

/// <summary>What a kernel lock does to the package manager.</summary>
public enum KernelLockKind
{
    /// <summary>Only the locked version may be installed (dnf versionlock add, dnf5 <c>evr =</c>).</summary>
    Pin,

    /// <summary>The named version may not be installed; other versions still flow (dnf versionlock exclude, apt Pin-Priority below 0, zypper version range).</summary>
    Exclude,

    /// <summary>The package is frozen as installed (apt-mark hold, a zypper lock of an installed edition).</summary>
    Hold,
}
