#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Remove-Kernel in the cleanup runbooks. A files-only test root has no rpm database, and apt cannot act on an
# alternate root, so no kernel is removed here (RemoveKernelLabTests does that against real rpm/dnf roots): these cases
# check what a runbook sees, that every refusal names its kernel, and that nothing changes.

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'Remove the kernels that lack their modules' -Tag Removal {
    It 'the cleanup pipeline of the Remove-Kernel page: one refusal per kernel, each naming it, and nothing removed' {
        $h = (New-KmodTestRoot TestDrive:/cleanup -Scenario DebianDkmsStale).FullName
        $before = Get-KmodTreeState $h

        Get-KernelModuleStatus -Root $h -Problem | Where-Object State -ne 'Added' | Sort-Object KernelVersion -Unique |
            Remove-Kernel -WhatIf -ErrorVariable refusals -ErrorAction SilentlyContinue

        $refusals | Should -HaveCount 2
        $refusals.TargetObject | Should -Be '6.1.0-55-amd64', '6.1.0-56-amd64'
        $refusals[0].FullyQualifiedErrorId | Should -Be 'AptRootNotSupported,KmodPS.Commands.RemoveKernelCommand'
        $refusals[0].Exception.Message | Should -BeLike "*Run it inside the root instead: chroot $h apt-get purge linux-image-6.1.0-55-amd64"
        $refusals[1].FullyQualifiedErrorId | Should -Be 'RemoveNextBootKernel,KmodPS.Commands.RemoveKernelCommand'
        Get-KmodTreeState $h | Should -Be $before
    }

    It 'on a files-only RPM root every kernel from the pipeline is refused with PackageDatabaseUnavailable, and the rest still runs' {
        $h = (New-KmodTestRoot TestDrive:/rpm -Scenario AlmaNvidiaKmodMissing).FullName
        $before = Get-KmodTreeState $h

        Get-InstalledKernel -Root $h | Where-Object { -not $_.IsDefault } | Remove-Kernel -Confirm:$false -ErrorVariable refusals -ErrorAction SilentlyContinue

        $refusals.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'PackageDatabaseUnavailable,KmodPS.Commands.RemoveKernelCommand'
        $refusals.TargetObject | Should -Be '5.14.0-611.41.1.el9_7.x86_64', '5.14.0-611.45.1.el9_7.x86_64'
        Get-KmodTreeState $h | Should -Be $before
    }

    It 'a kernel pinned with Lock-Kernel is refused until Unlock-Kernel lifts the pin' {
        Assert-LabTool -Program apt-mark
        $h = (New-KmodTestRoot TestDrive:/pinned -Scenario DebianDkmsStale).FullName
        Lock-Kernel 6.1.0-55-amd64 -Root $h -Confirm:$false

        { Remove-Kernel 6.1.0-55-amd64 -Root $h -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'RemoveLockedKernel,KmodPS.Commands.RemoveKernelCommand'

        Unlock-Kernel 6.1.0-55-amd64 -Root $h -Confirm:$false
        # Unlocked, the next refusal is the one about apt and alternate roots: the lock no longer protects it.
        { Remove-Kernel 6.1.0-55-amd64 -Root $h -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'AptRootNotSupported,KmodPS.Commands.RemoveKernelCommand'
        (Get-InstalledKernel -Root $h).KernelVersion | Should -Be '6.1.0-55-amd64', '6.1.0-56-amd64'
    }
}
