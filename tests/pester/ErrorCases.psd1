# Every stable error id of KmodPS (src/KmodPS.Core/Diagnostics/ErrorIds.cs), provoked against a New-KmodTestRoot root.
# KmodPS.ErrorIds.Tests.ps1 runs each case with Pester's `Should -Throw -ErrorId`; the xunit suite runs the same
# file in the hosted engine (tests/KmodPS.Tests/Engine/ErrorCaseTests.cs), so every case here runs in CI.
#
# A case: Id, Scenario (New-KmodTestRoot -Scenario), optional Setup (run after the root is built), Command, and
# optional HostTools: programs of which the command runs one on the test root, as it would on a real root (any one
# suffices). Those cases are lab cases: skipped with the reason on a machine without the lab tools, failed under
# KMODPS_LAB=required.
# Both run with $root set to the test root and $ErrorActionPreference = 'Stop'; they use only KmodPS cmdlets and
# .NET calls so that they run in any PowerShell host. After the failing command the root must be unchanged.
#
# Elsewhere lists the ids a files-only root cannot provoke (they need a real dkms build, a package manager's
# failure, a non-root user or a failing disk), each with the xunit test that provokes it.
@{
    Cases = @(
        @{ Id = 'RootNotFound'; Scenario = 'Healthy'; Command = 'Get-KernelModuleStatus -Root ([IO.Path]::Combine($root, "no-such-dir"))' }
        @{ Id = 'InvalidKernelVersion'; Scenario = 'Healthy'; Command = 'Test-KernelUpdate -Root $root -KernelVersion "5.14; reboot"' }
        @{ Id = 'InvalidModuleName'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Repair-KernelModule -Name "nvidia;reboot" -Root $root -Confirm:$false' }
        @{ Id = 'InvalidRunnerPath'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Install-KernelUpdateGuard -Root $root -RunnerPath relative/kmodps -Confirm:$false' }
        # An absolute link to itself loops inside the root (a host tool would follow it to the host's own directory).
        @{ Id = 'PathOutsideRoot'; Scenario = 'AlmaNvidiaKmodMissing'
           Setup = '[IO.Directory]::CreateDirectory("$root/etc/kernel") | Out-Null; [IO.Directory]::CreateSymbolicLink("$root/etc/kernel/install.d", "/etc/kernel/install.d") | Out-Null'
           Command = 'Install-KernelUpdateGuard -Root $root -Confirm:$false -WarningAction SilentlyContinue' }
        @{ Id = 'TestRootNotEmpty'; Scenario = 'Healthy'; Command = 'New-KmodTestRoot $root -Scenario Healthy' }
        @{ Id = 'TestRootAnswersInvalid'; Scenario = 'Healthy'
           Setup = '[IO.File]::WriteAllText("$root/var/lib/kmodps/testroot.json", "{ not json")'
           Command = 'Get-InstalledKernel -Root $root' }
        @{ Id = 'KernelNotFound'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Get-KernelModuleStatus -Root $root -KernelVersion 9.9.9-nope' }
        @{ Id = 'ModuleNotFound'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Repair-KernelModule -Name nosuch -Root $root -Confirm:$false' }

        @{ Id = 'BootEntryNotFound'; Scenario = 'AlmaNvidiaKmodMissing'
           Setup = '[IO.File]::Delete("$root/boot/loader/entries/0d1e5f7a2b3c4d5e6f708192a3b4c5d6-5.14.0-611.41.1.el9_7.x86_64.conf")'
           Command = 'Set-DefaultKernel 5.14.0-611.41.1.el9_7.x86_64 -Root $root -Confirm:$false' }
        # systemd-boot (loader.conf beside the BLS entries, no GRUB): a one-shot entry is an EFI variable of the host only.
        @{ Id = 'BootLoaderNotSupported'; Scenario = 'Healthy'
           Setup = '[IO.Directory]::Delete("$root/boot/grub2", $true); [IO.File]::WriteAllText("$root/boot/loader/loader.conf", "timeout 3`n")'
           Command = 'Set-DefaultKernel 5.14.0-611.41.1.el9_7.x86_64 -Once -Root $root -Confirm:$false' }
        # No grub.cfg and no GRUB_DEFAULT: which entry GRUB boots by default is unknown, so nothing is written.
        @{ Id = 'GrubDefaultUnknown'; Scenario = 'Healthy'
           Setup = '[IO.File]::Delete("$root/etc/default/grub")'
           Command = 'Set-DefaultKernel 5.14.0-611.41.1.el9_7.x86_64 -Root $root -Confirm:$false' }
        # Secure Boot off makes 6.1.0-56 healthy; GRUB_DEFAULT names the 6.1.0-55 entry, and grub.cfg says so as grub-mkconfig writes it.
        @{ Id = 'GrubDefaultNotSaved'; Scenario = 'SecureBootUntrusted'
           Setup = '[IO.File]::WriteAllBytes("$root/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", [byte[]](6, 0, 0, 0, 0)); $entry = "gnulinux-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b>gnulinux-6.1.0-55-amd64-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b"; [IO.File]::WriteAllText("$root/etc/default/grub", "GRUB_DEFAULT=`"$entry`"`n"); $cfg = "$root/boot/grub/grub.cfg"; [IO.File]::WriteAllText($cfg, [IO.File]::ReadAllText($cfg).Replace(''set default="${saved_entry}"'', "set default=`"$entry`""))'
           Command = 'Set-DefaultKernel 6.1.0-56-amd64 -Root $root -Confirm:$false' }
        # The same root with -Force: GRUB_DEFAULT=saved is written, but grub.cfg (regenerated only on the host) still names
        # 6.1.0-55, so the read-back refuses to believe the change and restores both files.
        @{ Id = 'DefaultNotApplied'; Scenario = 'SecureBootUntrusted'; HostTools = 'grub2-editenv', 'grub-editenv'
           Setup = '[IO.File]::WriteAllBytes("$root/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", [byte[]](6, 0, 0, 0, 0)); $entry = "gnulinux-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b>gnulinux-6.1.0-55-amd64-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b"; [IO.File]::WriteAllText("$root/etc/default/grub", "GRUB_DEFAULT=`"$entry`"`n"); $cfg = "$root/boot/grub/grub.cfg"; [IO.File]::WriteAllText($cfg, [IO.File]::ReadAllText($cfg).Replace(''set default="${saved_entry}"'', "set default=`"$entry`""))'
           Command = 'Set-DefaultKernel 6.1.0-56-amd64 -Force -Root $root -Confirm:$false -WarningAction SilentlyContinue' }
        @{ Id = 'KernelNotHealthy'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Set-DefaultKernel 5.14.0-611.45.1.el9_7.x86_64 -Root $root -Confirm:$false' }

        @{ Id = 'PackageManagerNotSupported'; Scenario = 'Healthy'
           Setup = '[IO.File]::WriteAllText("$root/etc/os-release", "ID=arch`nNAME=`"Arch Linux`"`n")'
           Command = 'Test-KernelUpdate -Root $root' }
        @{ Id = 'PackageDatabaseUnavailable'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Remove-Kernel 5.14.0-611.45.1.el9_7.x86_64 -Root $root -Confirm:$false' }
        @{ Id = 'KmodPackageNotFound'; Scenario = 'AlmaNvidiaKmodMissing'; Command = 'Repair-KernelModule -Name nvidia -KernelVersion 5.14.0-611.49.1.el9_7.x86_64 -Root $root -Confirm:$false' }

        @{ Id = 'NextBootUnknown'; Scenario = 'DebianDkmsStale'
           Setup = '[IO.File]::Delete("$root/boot/grub/grubenv"); [IO.File]::Delete("$root/boot/grub/grub.cfg")'
           Command = 'Remove-Kernel 6.1.0-55-amd64 -Root $root -Confirm:$false' }
        @{ Id = 'KernelNotPackaged'; Scenario = 'DebianDkmsStale'
           Setup = '[IO.Directory]::CreateDirectory("$root/lib/modules/6.9.0-custom/kernel") | Out-Null; [IO.File]::WriteAllText("$root/boot/vmlinuz-6.9.0-custom", "a hand-built kernel`n")'
           Command = 'Remove-Kernel 6.9.0-custom -Root $root -Confirm:$false' }
        @{ Id = 'RemoveLockedKernel'; Scenario = 'DebianDkmsStale'
           Setup = '$status = "$root/var/lib/dpkg/status"; [IO.File]::WriteAllText($status, ([IO.File]::ReadAllText($status) -replace ''(?m)(^Package: linux-image-6\.1\.0-55-amd64\nStatus: )install'', ''${1}hold''))'
           Command = 'Remove-Kernel 6.1.0-55-amd64 -Root $root -Force -Confirm:$false' }
        @{ Id = 'RemoveNextBootKernel'; Scenario = 'DebianDkmsStale'; Command = 'Remove-Kernel 6.1.0-56-amd64 -Root $root -Force -Confirm:$false' }
        # Secure Boot off makes 6.1.0-56 the one healthy kernel; the grubenv makes 6.1.0-55 the next boot, so 6.1.0-56 is only protected as the last healthy kernel.
        @{ Id = 'RemoveLastHealthyKernel'; Scenario = 'SecureBootUntrusted'
           Setup = '[IO.File]::WriteAllBytes("$root/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", [byte[]](6, 0, 0, 0, 0)); $block = "# GRUB Environment Block`nsaved_entry=gnulinux-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b>gnulinux-6.1.0-55-amd64-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b`n"; [IO.File]::WriteAllText("$root/boot/grub/grubenv", $block + ("#" * (1024 - $block.Length)))'
           Command = 'Remove-Kernel 6.1.0-56-amd64 -Root $root -Confirm:$false' }
        @{ Id = 'AptRootNotSupported'; Scenario = 'DebianDkmsStale'; Command = 'Remove-Kernel 6.1.0-55-amd64 -Root $root -Confirm:$false' }

        @{ Id = 'DkmsNotFound'; Scenario = 'DebianDkmsStale'; Command = 'Repair-KernelModule -KernelVersion 6.1.0-56-amd64 -Root $root -Confirm:$false' }
        @{ Id = 'HeadersNotInstalled'; Scenario = 'DebianDkmsStale'; Command = 'Repair-KernelModule -KernelVersion 6.1.0-55-amd64 -Root $root -Confirm:$false' }

        @{ Id = 'GuardNotSupported'; Scenario = 'Healthy'
           Setup = '[IO.File]::WriteAllText("$root/etc/os-release", "ID=arch`nNAME=`"Arch Linux`"`n")'
           Command = 'Install-KernelUpdateGuard -Root $root -Confirm:$false' }
        @{ Id = 'HookPathOccupied'; Scenario = 'DebianDkmsStale'
           Setup = '[IO.Directory]::CreateDirectory("$root/etc/kernel/postinst.d") | Out-Null; [IO.File]::WriteAllText("$root/etc/kernel/postinst.d/zzz-kmodps", "#!/bin/sh`nexit 0`n")'
           Command = 'Install-KernelUpdateGuard -Root $root -Confirm:$false' }
        @{ Id = 'GuardNotInstalled'; Scenario = 'Healthy'
           Setup = '[IO.Directory]::CreateDirectory("$root/etc/kernel") | Out-Null; [IO.File]::WriteAllText("$root/etc/kernel/install.d", "")'
           Command = 'Install-KernelUpdateGuard -Root $root -Confirm:$false -WarningAction SilentlyContinue' }
        @{ Id = 'GuardStateNotWritten'; Scenario = 'Healthy'
           Setup = '[IO.Directory]::CreateDirectory("$root/var/lib/kmodps/guard.json") | Out-Null'
           Command = 'Invoke-KernelUpdateGuard -KernelVersion 5.14.0-611.45.1.el9_7.x86_64 -Root $root -Confirm:$false' }

        # A link planted where the lock file goes is refused (O_NOFOLLOW), never followed out of the root.
        @{ Id = 'RootLockUnavailable'; Scenario = 'Healthy'
           Setup = '[IO.File]::CreateSymbolicLink("$root/var/lib/kmodps/kmodps.lock", "/etc/passwd") | Out-Null'
           Command = 'Install-KernelUpdateGuard -Root $root -Confirm:$false' }

        # A module directory whose kernel image is gone, with a file a package still owns: the package manager's to remove.
        @{ Id = 'KernelLeftoverOwned'; Scenario = 'DebianDkmsStale'
           Setup = '[IO.Directory]::CreateDirectory("$root/lib/modules/6.1.0-54-amd64/updates") | Out-Null; $answers = "$root/var/lib/kmodps/testroot.json"; [IO.File]::WriteAllText($answers, ([IO.File]::ReadAllText($answers) -replace ''"installed"\s*:\s*\['', ''"installed": [ { "package": "linux-headers-6.1.0-54-amd64", "files": [ "/lib/modules/6.1.0-54-amd64/updates" ] },''))'
           Command = 'Remove-Kernel 6.1.0-54-amd64 -Root $root -Confirm:$false -WarningAction SilentlyContinue' }
        # A grubenv cut to 500 bytes reads with a warning; Set-DefaultKernel does not write into it.
        @{ Id = 'StoreUnparsable'; Scenario = 'AlmaNvidiaKmodMissing'
           Setup = '$grubenv = "$root/boot/grub2/grubenv"; [IO.File]::WriteAllBytes($grubenv, [IO.File]::ReadAllBytes($grubenv)[0..499])'
           Command = 'Set-DefaultKernel 5.14.0-611.41.1.el9_7.x86_64 -Root $root -Confirm:$false -WarningAction SilentlyContinue' }
        # The parent of -Path is a file: the metrics cannot be written there (as a user without rights to the directory, the same id).
        @{ Id = 'OutputNotWritten'; Scenario = 'Healthy'; Command = 'Export-KernelModuleMetrics -Root $root -SkipUpdateCheck -Path "$root/etc/os-release/kmodps.prom" -WarningAction SilentlyContinue' }
    )

    Elsewhere = @(
        @{ Id = 'RootRequired'; CoveredBy = 'RepairLabTests.AnUnprivilegedUserIsRefusedBeforeDkmsRuns'; Reason = 'needs a non-root user and a root dkms can build in' }
        @{ Id = 'BootToolNotFound'; CoveredBy = 'DefaultKernelPlannerTests.MissingToolsAreARefusalNotAGuess'; Reason = 'depends on which GRUB tools the machine has' }
        @{ Id = 'PackageManagerNotFound'; CoveredBy = 'LockPlannerTests.WithoutAPackageManagerNothingIsPlanned'; Reason = 'depends on which package managers the machine has' }
        @{ Id = 'RootChangeInProgress'; CoveredBy = 'RootChangeLockTests.ASecondHolderWaitsTheBoundedTimeThenFailsWithRootChangeInProgress'; Reason = 'needs another process (or file description) holding the flock while the test root is compared, which .NET cannot read while it is held (also KmodPS.Tests.Lab.RootChangeLockLabTests)' }
        @{ Id = 'PackageManagerLocked'; CoveredBy = 'LockExecutorTests.AnotherDnfHoldingTheLockIsPackageManagerLockedAndTheListIsRestored'; Reason = 'needs another dnf holding its lock' }
        @{ Id = 'PackageQueryFailed'; CoveredBy = 'RepairPlannerKmodTests.AFailedRepositoryQueryFailsThePair'; Reason = 'needs a failing dnf or apt query' }
        @{ Id = 'PackageInstallFailed'; CoveredBy = 'RepairExecutionTests.AFailedPackageInstallIsPackageInstallFailed'; Reason = 'needs a failing dnf install' }
        @{ Id = 'VersionlockPluginMissing'; CoveredBy = 'LockExecutorTests.AMissingVersionlockCommandIsPluginMissing'; Reason = 'needs dnf without its versionlock plugin' }
        @{ Id = 'LockConflict'; CoveredBy = 'LockPlannerTests.PinningAnExcludedReleaseIsAConflict'; Reason = 'needs dnf versionlock (apt has no exclude to conflict with)' }
        @{ Id = 'LockNotApplied'; CoveredBy = 'LockExecutorTests.ACommandThatSucceedsWithoutWritingIsLockNotApplied'; Reason = 'needs a lock tool that succeeds without writing' }
        @{ Id = 'LockNotSupported'; CoveredBy = 'LockPlannerTests.PinOnSuseLocksTheReleaseAndNewerEditions'; Reason = 'needs zypper' }
        @{ Id = 'LockStateUnknown'; CoveredBy = 'KernelLocksTests.AnUnreadableLockStoreIsLockStateUnknownNotUnlocked'; Reason = 'needs a lock store that cannot be opened' }
        @{ Id = 'RunningKernelExcluded'; CoveredBy = 'LockPlannerTests.ExcludingTwiceIsANoOpAndTheRunningKernelIsRefused'; Reason = 'concerns the running kernel of the host (Root /) only' }
        @{ Id = 'RemoveRunningKernel'; CoveredBy = 'RemovalPlannerTests.RunningKernelIsCheckedBeforeTheNextBoot'; Reason = 'concerns the running kernel of the host (Root /) only' }
        @{ Id = 'RemoveDependentPackages'; CoveredBy = 'RemoveKernelLabTests.ForceAlsoRemovesTheKmodBuiltForTheKernel'; Reason = 'needs the rpm database of a real dnf root' }
        @{ Id = 'KernelNotRemoved'; CoveredBy = 'RemovalPlannerTests.AFailedCommandIsKernelNotRemovedWithItsErrorAndNothingIsReadBack'; Reason = 'needs a package manager that ran and failed' }
        @{ Id = 'DkmsSourceNotFound'; CoveredBy = 'RepairPlannerDkmsTests.MissingWithoutAnyDkmsSourceFails'; Reason = 'a files-only root has no dkms, which is checked first' }
        @{ Id = 'InvalidDkmsName'; CoveredBy = 'RepairPlannerDkmsTests.AnUnsafeNameInTheDkmsTreeIsNeverPassedToDkms'; Reason = 'a files-only root has no dkms, which is checked first' }
        @{ Id = 'CompilerNotFound'; CoveredBy = 'RepairPlannerDkmsTests.AddedOnlyModuleIsBuiltAndInstalledButNeedsACompiler'; Reason = 'needs a root with dkms but no compiler' }
        @{ Id = 'DkmsBuildFailed'; CoveredBy = 'RepairLabTests.RepairsStaleAndMissingWithRealDkmsInsideTheRootAndReportsTheBrokenBuild'; Reason = 'needs a real dkms build that fails' }
        @{ Id = 'DkmsBuildExcluded'; CoveredBy = 'RepairExecutionTests.DkmsExitCodesAreMappedToMeaningAndErrorId'; Reason = 'needs dkms to exclude a build (exit 77)' }
        @{ Id = 'DkmsCommandFailed'; CoveredBy = 'RepairExecutionTests.DkmsExitCodesAreMappedToMeaningAndErrorId'; Reason = 'needs a failing dkms command' }
        @{ Id = 'RepairTimedOut'; CoveredBy = 'RepairExecutionTests.ATimedOutBuildIsRepairTimedOutWithoutAnExitCode'; Reason = 'needs a dkms build that outlasts its time limit' }
        @{ Id = 'RepairNotVerified'; CoveredBy = 'RepairExecutionTests.SuccessThatDoesNotReadBackInstalledIsNotVerified'; Reason = 'needs dkms to succeed without installing' }
        @{ Id = 'RestoreFailed'; CoveredBy = 'DefaultKernelSwitchTests.AFailedSwitchWhoseRestoreCannotWriteIsRestoreFailedNamingTheOriginalFailureAndThePath'; Reason = 'needs a change that fails and a restore that cannot write, which leaves the root changed (also LockExecutorTests.AFailedPinWhoseListCannotBeRestoredIsRestoreFailedNamingTheFailureAndTheList)' }
        @{ Id = 'ExcludeTooBroad'; CoveredBy = 'LockInputTests.ADebianExcludeBroaderThanOneAbiIsRefusedAndNothingIsPlanned'; Reason = 'Lock-Kernel needs apt-mark on the machine to plan anything for a Debian root' }
        @{ Id = 'GuardNotUninstalled'; CoveredBy = 'GuardInstallTests.AHookThatCannotBeDeletedIsGuardNotUninstalled'; Reason = 'needs a hook that cannot be deleted' }
    )
}
