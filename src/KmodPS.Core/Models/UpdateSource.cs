namespace KmodPS.Core.Models;

/// <summary>Where a candidate kernel of Test-KernelUpdate comes from.</summary>
public enum UpdateSource
{
    /// <summary>The package manager would install it.</summary>
    Repository,

    /// <summary>Installed, newer than the running (or reference) kernel, or the next boot kernel.</summary>
    Installed,

    /// <summary>Named with -KernelVersion.</summary>
    Named,
}
