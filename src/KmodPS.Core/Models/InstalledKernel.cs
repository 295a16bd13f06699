namespace KmodPS.Core.Models;

/// <summary>A kernel found under a system root: its image, modules tree and headers.</summary>
public sealed class InstalledKernel
{
    public InstalledKernel(string kernelVersion, string root, string? imagePath, string? modulesDirectory, bool hasHeaders, string? headersPath, bool isRunning, string? package, bool isDefault = false, string? bootEntryId = null, bool isLocked = false)
    {
        KernelVersion = kernelVersion;
        Root = root;
        ImagePath = imagePath;
        ModulesDirectory = modulesDirectory;
        HasHeaders = hasHeaders;
        HeadersPath = headersPath;
        IsRunning = isRunning;
        Package = package;
        IsDefault = isDefault;
        BootEntryId = bootEntryId;
        IsLocked = isLocked;
    }

    /// <summary>The kernel release as <c>uname -r</c> prints it.</summary>
    public string KernelVersion { get; }

    /// <summary>The system root it was found under.</summary>
    public string Root { get; }

    /// <summary>The kernel image (<c>/boot/vmlinuz-*</c> or <c>/lib/modules/*/vmlinuz</c>), as a path inside the root; null if none.</summary>
    public string? ImagePath { get; }

    /// <summary><c>/lib/modules/&lt;version&gt;</c> inside the root, when it exists.</summary>
    public string? ModulesDirectory { get; }

    /// <summary>True when the modules tree's <c>build</c> link resolves to a headers tree.</summary>
    public bool HasHeaders { get; }

    /// <summary>Where the <c>build</c> link points, inside the root.</summary>
    public string? HeadersPath { get; }

    /// <summary>True for the kernel the host is running now (only known when the root is <c>/</c>).</summary>
    public bool IsRunning { get; }

    /// <summary>The package that owns the image or modules tree (rpm database or dpkg status), if any.</summary>
    public string? Package { get; }

    /// <summary>True for the kernel the boot loader will start next (a one-shot choice included).</summary>
    public bool IsDefault { get; }

    /// <summary>The boot entry that starts this kernel (BLS id, GRUB menu path, systemd-boot entry id), if any.</summary>
    public string? BootEntryId { get; }

    /// <summary>True when the package manager pins or holds this kernel release (Lock-Kernel, versionlock, apt-mark hold).</summary>
    public bool IsLocked { get; }

    /// <summary>A copy with the boot loader's facts attached.</summary>
    public InstalledKernel WithBoot(bool isDefault, string? bootEntryId) =>
        new(KernelVersion, Root, ImagePath, ModulesDirectory, HasHeaders, HeadersPath, IsRunning, Package, isDefault, bootEntryId, IsLocked);

    /// <summary>A copy with the lock state attached.</summary>
    public InstalledKernel WithLock(bool isLocked) =>
        new(KernelVersion, Root, ImagePath, ModulesDirectory, HasHeaders, HeadersPath, IsRunning, Package, IsDefault, BootEntryId, isLocked);

    public override string ToString() => KernelVersion;
}
