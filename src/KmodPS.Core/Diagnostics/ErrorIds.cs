namespace KmodPS.Core.Diagnostics;

/// <summary>
/// Every stable error id KmodPS reports (the first part of an ErrorRecord's FullyQualifiedErrorId).
/// Scripts match on these, so an id is never renamed or reused; docs/about_KmodPS_ErrorIds.md explains each one.
/// </summary>
public static class ErrorIds
{
    // Input and roots
    public const string InvalidKernelVersion = nameof(InvalidKernelVersion);
    public const string InvalidModuleName = nameof(InvalidModuleName);
    public const string InvalidRunnerPath = nameof(InvalidRunnerPath);
    public const string RootNotFound = nameof(RootNotFound);
    public const string RootRequired = nameof(RootRequired);
    public const string PathOutsideRoot = nameof(PathOutsideRoot);
    public const string TestRootNotEmpty = nameof(TestRootNotEmpty);
    public const string TestRootAnswersInvalid = nameof(TestRootAnswersInvalid);
    public const string KernelNotFound = nameof(KernelNotFound);
    public const string ModuleNotFound = nameof(ModuleNotFound);

    // Boot loader
    public const string BootEntryNotFound = nameof(BootEntryNotFound);
    public const string BootLoaderNotSupported = nameof(BootLoaderNotSupported);
    public const string BootToolNotFound = nameof(BootToolNotFound);
    public const string GrubDefaultNotSaved = nameof(GrubDefaultNotSaved);
    public const string GrubDefaultUnknown = nameof(GrubDefaultUnknown);
    public const string KernelNotHealthy = nameof(KernelNotHealthy);
    public const string DefaultNotApplied = nameof(DefaultNotApplied);

    // Package managers
    public const string PackageManagerNotFound = nameof(PackageManagerNotFound);
    public const string PackageManagerNotSupported = nameof(PackageManagerNotSupported);
    public const string PackageManagerLocked = nameof(PackageManagerLocked);
    public const string PackageDatabaseUnavailable = nameof(PackageDatabaseUnavailable);
    public const string PackageQueryFailed = nameof(PackageQueryFailed);
    public const string PackageInstallFailed = nameof(PackageInstallFailed);
    public const string KmodPackageNotFound = nameof(KmodPackageNotFound);

    // Locks
    public const string VersionlockPluginMissing = nameof(VersionlockPluginMissing);
    public const string LockConflict = nameof(LockConflict);
    public const string LockNotApplied = nameof(LockNotApplied);
    public const string LockNotSupported = nameof(LockNotSupported);
    public const string LockStateUnknown = nameof(LockStateUnknown);
    public const string RunningKernelExcluded = nameof(RunningKernelExcluded);

    // Removal
    public const string NextBootUnknown = nameof(NextBootUnknown);
    public const string KernelNotPackaged = nameof(KernelNotPackaged);
    public const string RemoveRunningKernel = nameof(RemoveRunningKernel);
    public const string RemoveNextBootKernel = nameof(RemoveNextBootKernel);
    public const string RemoveLockedKernel = nameof(RemoveLockedKernel);
    public const string RemoveLastHealthyKernel = nameof(RemoveLastHealthyKernel);
    public const string RemoveDependentPackages = nameof(RemoveDependentPackages);
    public const string AptRootNotSupported = nameof(AptRootNotSupported);
    public const string KernelNotRemoved = nameof(KernelNotRemoved);

    // Repair
    public const string DkmsNotFound = nameof(DkmsNotFound);
    public const string DkmsSourceNotFound = nameof(DkmsSourceNotFound);
    public const string InvalidDkmsName = nameof(InvalidDkmsName);
    public const string CompilerNotFound = nameof(CompilerNotFound);
    public const string HeadersNotInstalled = nameof(HeadersNotInstalled);
    public const string DkmsBuildFailed = nameof(DkmsBuildFailed);
    public const string DkmsBuildExcluded = nameof(DkmsBuildExcluded);
    public const string DkmsCommandFailed = nameof(DkmsCommandFailed);
    public const string RepairTimedOut = nameof(RepairTimedOut);
    public const string RepairNotVerified = nameof(RepairNotVerified);

    // Update guard
    public const string GuardNotSupported = nameof(GuardNotSupported);
    public const string HookPathOccupied = nameof(HookPathOccupied);
    public const string GuardNotInstalled = nameof(GuardNotInstalled);
    public const string GuardNotUninstalled = nameof(GuardNotUninstalled);
    public const string GuardStateNotWritten = nameof(GuardStateNotWritten);

    // Any change: another KmodPS change holds the root's change lock; the lock file cannot be opened
    public const string RootChangeInProgress = nameof(RootChangeInProgress);
    public const string RootLockUnavailable = nameof(RootLockUnavailable);

    // Any change: a failed change whose restore failed too (the original failure is in the message)
    public const string RestoreFailed = nameof(RestoreFailed);

    // Kernels and stores KmodPS reads (issue 15)
    public const string KernelLeftoverOwned = nameof(KernelLeftoverOwned);
    public const string ExcludeTooBroad = nameof(ExcludeTooBroad);
    public const string StoreUnparsable = nameof(StoreUnparsable);
    public const string OutputNotWritten = nameof(OutputNotWritten);
}
