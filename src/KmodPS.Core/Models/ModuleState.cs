namespace KmodPS.Core.Models;

/// <summary>The state of one out-of-tree module on one kernel. Problems are everything but Installed and Built.</summary>
public enum ModuleState
{
    /// <summary>Present in the kernel's module tree and loadable as far as can be checked.</summary>
    Installed,

    /// <summary>Built by DKMS for the kernel but not installed into its module tree.</summary>
    Built,

    /// <summary>DKMS source added, never built for this kernel.</summary>
    Added,

    /// <summary>The module exists for another installed kernel (or is loaded) but not for this one.</summary>
    Missing,

    /// <summary>Built before the headers/kbuild it was built against last changed.</summary>
    Stale,

    /// <summary>The vermagic does not match the kernel it is installed for.</summary>
    Mismatch,

    /// <summary>Signed by a key the firmware does not trust (or unsigned) while Secure Boot is on.</summary>
    Untrusted,

    /// <summary>A dangling link, an unreadable or corrupt file.</summary>
    Broken,

    /// <summary>A DKMS package whose BUILD_EXCLUSIVE directives exclude this kernel: dkms will not build it here, and that is not a problem.</summary>
    Excluded,
}
