namespace KmodPS.Core.Repair;

/// <summary>What dkms's exit codes mean (dkms 2.x/3.x <c>die</c> calls; 21 and 11 from dkms 3.1's autoinstall).</summary>
internal static class DkmsExitCode
{
    public const int BuildFailed = 10;
    public const int AutoinstallFailed = 11;
    public const int HeadersMissing = 21;
    public const int Excluded = 77;

    public static string? Meaning(int? exitCode) => exitCode switch
    {
        null or 0 => null,
        BuildFailed => "build failed",
        AutoinstallFailed => "autoinstall failed",
        HeadersMissing => "headers missing",
        Excluded => "excluded by BUILD_EXCLUSIVE_KERNEL/BUILD_EXCLUSIVE_ARCH",
        1 => "dkms refused (bad arguments, not root, or headers not found by dkms 3.0)",
        2 => "module source directory not found",
        3 => "module/version not in the DKMS tree, or already built",
        4 => "dkms.conf not found",
        5 => "already installed",
        6 => "installation failed (no module directory for the kernel, or depmod failed)",
        7 => "build produced no module file",
        8 => "bad dkms.conf",
        101 => "pre_install script failed",
        124 or 137 => "killed (timeout)",
        125 or 126 or 127 => "could not run dkms inside the root (chroot/unshare failed or the interpreter is missing)",
        _ => $"dkms failed (exit {exitCode})",
    };
}
