using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Locks;

/// <summary>The typed failures of locking, with their stable error ids; the target is the kernel concerned.</summary>
public static class LockFailures
{
    public static Failure KernelNotFound(string kernelVersion, string root, string database) => new(
        ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound,
        $"No installed package of kernel {kernelVersion} was found in the {database} database under {root}.", kernelVersion,
        "Check the release with Get-InstalledKernel; Lock-Kernel pins installed kernels (use -Exclude to keep a release out).");

    public static Failure PluginMissing(string kernel) => new(
        ErrorIds.VersionlockPluginMissing, FailureCategory.NotInstalled,
        $"dnf has no versionlock command on this machine: install {VersionlockPlugin.PackageNames}. Nothing was changed.", kernel,
        "Install the versionlock plugin (dnf install python3-dnf-plugin-versionlock), then run the command again.");

    public static Failure PackageManagerLocked(string kernel, string command, string detail) => new(
        ErrorIds.PackageManagerLocked, FailureCategory.ResourceUnavailable,
        $"Another package manager process holds the lock ({command}): {detail.Trim()}. Nothing was changed.", kernel,
        "Wait for the other dnf, apt, dpkg or zypper process to finish, then retry the command.");

    public static Failure PackageManagerNotFound(string kernel, LockBackend backend, string root) => new(
        ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled,
        backend == LockBackend.None
            ? $"No supported package manager was found for {root} (dnf, dnf5, apt or zypper): kernel locks cannot be changed."
            : $"The {LockBackendDetector.ToolPackage(backend)} tool is not installed on this machine: the kernel locks of {root} cannot be changed. Nothing was changed.",
        kernel);

    /// <param name="category">InvalidResult when the store does not show the change; WriteError when a file could not be written.</param>
    public static Failure NotApplied(string kernel, string detail, FailureCategory category = FailureCategory.InvalidResult) => new(
        ErrorIds.LockNotApplied, category,
        $"The lock change for {kernel} did not take effect: {detail}", kernel,
        "Check the package manager's output in the verbose stream (-Verbose) and the lock store named in the message.");

    public static Failure Conflict(string kernel, string detail) => new(
        ErrorIds.LockConflict, FailureCategory.InvalidOperation, detail, kernel,
        "Remove the conflicting lock first (Unlock-Kernel, or Unlock-Kernel -All for locks KmodPS did not make).");

    public static Failure RunningKernel(string kernel) => new(
        ErrorIds.RunningKernelExcluded, FailureCategory.InvalidOperation,
        $"{kernel} is the running kernel: KmodPS does not exclude the running kernel's packages.", kernel);

    public static Failure NotSupported(string kernel, string detail) => new(
        ErrorIds.LockNotSupported, FailureCategory.NotImplemented, detail, kernel);

    public static Failure InvalidKernelVersion(string kernel, string detail) => new(
        ErrorIds.InvalidKernelVersion, FailureCategory.InvalidArgument, detail, kernel);
}
