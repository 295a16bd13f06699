namespace KmodPS.Core.Models;

/// <summary>What the kernel update guard did about the boot default after checking a kernel.</summary>
public enum GuardAction
{
    /// <summary>Nothing to change: the kernel that boots next has every module the host needs.</summary>
    None,

    /// <summary>The checked kernel is healthy and was made the boot default (-Promote).</summary>
    Promoted,

    /// <summary>The kernel that would have booted next lacks modules; the default was moved to the newest healthy kernel.</summary>
    RolledBack,

    /// <summary>The next boot kernel lacks modules and no installed kernel has them all: nothing was changed.</summary>
    NoHealthyKernel,

    /// <summary>The default should have moved but the boot loader could not be changed (nothing was changed).</summary>
    Failed,

    /// <summary>
    /// As RolledBack, but for the next boot only (GRUB's next_entry): GRUB_DEFAULT is not <c>saved</c>, so GRUB
    /// ignores a saved default; later boots start the unhealthy default again until GRUB_DEFAULT=saved is set.
    /// </summary>
    RolledBackOnce,
}
