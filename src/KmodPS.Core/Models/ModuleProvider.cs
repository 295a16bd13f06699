namespace KmodPS.Core.Models;

/// <summary>Where an out-of-tree module comes from.</summary>
public enum ModuleProvider
{
    /// <summary>Built by DKMS from the tree under /var/lib/dkms.</summary>
    Dkms,

    /// <summary>A precompiled module owned by a package (kmod-nvidia-open, kmod-* from ELRepo, linux-modules-nvidia-*).</summary>
    KmodPackage,

    /// <summary>A kmod package built locally by akmods.</summary>
    Akmod,

    /// <summary>A RHEL weak-updates link to a module built for another kernel of the same kABI stream.</summary>
    WeakUpdate,

    /// <summary>An out-of-tree module file nobody owns.</summary>
    Manual,

    /// <summary>An in-tree module shipped with the kernel (listed only when asked for by name).</summary>
    Kernel,
}
