#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'Stable error ids' -Tag Errors {
    BeforeEach {
        Remove-Item TestDrive:/alma, TestDrive:/deb -Recurse -Force -ErrorAction SilentlyContinue
        New-KmodTestRoot TestDrive:/alma -Scenario AlmaNvidiaKmodMissing | Out-Null
        New-KmodTestRoot TestDrive:/deb -Scenario DebianDkmsStale | Out-Null
    }

    It 'RootNotFound from <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelHost', 'Get-KernelModuleStatus', 'Test-KernelUpdate', 'Get-KernelLock', 'Export-KernelModuleMetrics') {
        { & $_ -Root /no/such/root -ErrorAction Stop } | Should -Throw -ErrorId 'RootNotFound,*'
    }

    It 'KernelNotFound from <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelModuleStatus') {
        { & $_ -Root TestDrive:/alma -KernelVersion 9.9.9-nope -ErrorAction Stop } | Should -Throw -ErrorId 'KernelNotFound,*'
    }

    # A bad argument is terminating whatever -ErrorAction says, and stops the command before it reads anything.
    It 'InvalidKernelVersion from <_> is terminating, even beside a valid version' -ForEach @('Get-InstalledKernel', 'Get-KernelModuleStatus', 'Test-KernelUpdate') {
        $out = $null
        { $script:out = & $_ -Root TestDrive:/alma -KernelVersion '5.14.0-611.41.1.el9_7.x86_64', '5.14; reboot' -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'InvalidKernelVersion,*'
        $script:out | Should -BeNullOrEmpty
    }

    It 'InvalidKernelVersion from the pipeline is non-terminating for that input only: <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelModuleStatus') {
        $inputs = [pscustomobject]@{ KernelVersion = @('5.14; reboot'); Root = (Resolve-Path TestDrive:/alma).ProviderPath }, [pscustomobject]@{ KernelVersion = @('5.14.0-611.41.1.el9_7.x86_64'); Root = (Resolve-Path TestDrive:/alma).ProviderPath }
        $out = $inputs | & $_ -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($failed | Where-Object FullyQualifiedErrorId -Like 'InvalidKernelVersion,*').Count | Should -Be 1
        $out.KernelVersion | Select-Object -Unique | Should -Be '5.14.0-611.41.1.el9_7.x86_64'
    }

    It 'RootNotFound from the pipeline is non-terminating for that input only: <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelHost', 'Get-KernelModuleStatus') {
        $inputs = [pscustomobject]@{ KernelVersion = @('*'); Root = '/no/such/root' }, [pscustomobject]@{ KernelVersion = @('*'); Root = (Resolve-Path TestDrive:/alma).ProviderPath }
        $out = $inputs | & $_ -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($failed | Where-Object FullyQualifiedErrorId -Like 'RootNotFound,*').Count | Should -Be 1
        $out | Should -Not -BeNullOrEmpty
    }

    It 'InvalidKernelVersion from <_>, before any confirmation' -ForEach @('Set-DefaultKernel', 'Lock-Kernel') {
        { & $_ -Root TestDrive:/alma -KernelVersion '5.14; reboot' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidKernelVersion,*'
    }

    It 'KernelNotFound from Set-DefaultKernel' {
        { Set-DefaultKernel 5.14.0-999.1.1.el9_7 -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'KernelNotFound,KmodPS.Commands.SetDefaultKernelCommand'
    }

    It 'KernelNotHealthy from Set-DefaultKernel' {
        { Set-DefaultKernel 5.14.0-611.45.1.el9_7 -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'KernelNotHealthy,KmodPS.Commands.SetDefaultKernelCommand'
    }

    It 'BootEntryNotFound from Set-DefaultKernel when the BLS entry is gone' {
        Remove-Item TestDrive:/alma/boot/loader/entries/*-5.14.0-611.41.1.el9_7.x86_64.conf
        { Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'BootEntryNotFound,KmodPS.Commands.SetDefaultKernelCommand'
    }

    It 'Set-DefaultKernel''s refusals are errors for one kernel each (the pipeline goes on); a bad -KernelVersion stays terminating' {
        $kernels = '5.14.0-999.1.1.el9_7', '5.14.0-611.45.1.el9_7' | ForEach-Object { [pscustomobject]@{ KernelVersion = $_; Root = (Resolve-Path TestDrive:/alma).Path } }

        $kernels | Set-DefaultKernel -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'KernelNotFound,KmodPS.Commands.SetDefaultKernelCommand', 'KernelNotHealthy,KmodPS.Commands.SetDefaultKernelCommand'
        { Set-DefaultKernel '5.14; reboot' -Root TestDrive:/alma -Confirm:$false -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'InvalidKernelVersion,*'
    }

    It 'KernelNotHealthy from Set-DefaultKernel counts a Stale module, as the update guard does' {
        # 6.1.0-56-amd64's v4l2loopback was built before its headers last changed.
        { Set-DefaultKernel 6.1.0-56-amd64 -Root TestDrive:/deb -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'KernelNotHealthy,KmodPS.Commands.SetDefaultKernelCommand' -ExpectedMessage '*v4l2loopback Stale*'
    }

    It 'TestRootNotEmpty from New-KmodTestRoot' {
        { New-KmodTestRoot TestDrive:/alma -Scenario Healthy -ErrorAction Stop } | Should -Throw -ErrorId 'TestRootNotEmpty,KmodPS.Commands.NewKmodTestRootCommand'
    }

    It 'a -WhatIf change leaves the root untouched' {
        # The plan names the GRUB tool it would run: without one, Set-DefaultKernel refuses with BootToolNotFound.
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $before = Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash
        Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root TestDrive:/alma -WhatIf
        Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash | Should -Be $before
    }
}

Describe 'Stable error ids of the changing cmdlets' -Tag Errors {
    BeforeEach {
        Remove-Item TestDrive:/alma, TestDrive:/deb -Recurse -Force -ErrorAction SilentlyContinue
        New-KmodTestRoot TestDrive:/alma -Scenario AlmaNvidiaKmodMissing | Out-Null
    }

    It 'InvalidKernelVersion from <_> before anything runs' -ForEach @('Remove-Kernel', 'Repair-KernelModule', 'Invoke-KernelUpdateGuard') {
        { & $_ -KernelVersion '5.14; reboot' -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidKernelVersion,*'
    }

    It 'InvalidModuleName from Repair-KernelModule' {
        { Repair-KernelModule -Name 'nvidia;reboot' -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidModuleName,*'
    }

    It 'RemoveNextBootKernel from Remove-Kernel, even with -Force' {
        New-KmodTestRoot TestDrive:/deb -Scenario DebianDkmsStale | Out-Null
        { Remove-Kernel 6.1.0-56-amd64 -Root TestDrive:/deb -Force -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoveNextBootKernel,*'
    }

    It 'PackageDatabaseUnavailable from Remove-Kernel on a root without an rpm database' {
        { Remove-Kernel 5.14.0-611.45.1.el9_7.x86_64 -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'PackageDatabaseUnavailable,*'
    }

    It 'InvalidRunnerPath from Install-KernelUpdateGuard' {
        { Install-KernelUpdateGuard -Root TestDrive:/alma -RunnerPath 'relative/kmodps' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRunnerPath,*'
    }

    It 'Install-KernelUpdateGuard -WhatIf writes nothing and Get-KernelUpdateGuard reads the root' {
        Install-KernelUpdateGuard -Root TestDrive:/alma -WhatIf -WarningAction SilentlyContinue
        Test-Path TestDrive:/alma/etc/kernel/install.d/95-kmodps.install | Should -BeFalse
        { Get-KernelUpdateGuard -Root TestDrive:/alma -ErrorAction Stop } | Should -Not -Throw
    }

    It 'Export-KernelModuleMetrics reports the next boot as not ready' {
        Export-KernelModuleMetrics -Root TestDrive:/alma -SkipUpdateCheck | Should -Match 'kmodps_next_boot_ready\{kernel="5\.14\.0-611\.49\.1\.el9_7\.x86_64"\} 0'
    }
}

Describe 'No-op changes are idempotent' -Tag Errors {
    BeforeEach {
        Remove-Item TestDrive:/alma -Recurse -Force -ErrorAction SilentlyContinue
        New-KmodTestRoot TestDrive:/alma -Scenario AlmaNvidiaKmodMissing | Out-Null
    }

    It 'Uninstall-KernelUpdateGuard on a root without a guard changes nothing' {
        $before = Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash
        { Uninstall-KernelUpdateGuard -Root TestDrive:/alma -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
        Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash | Should -Be $before
    }

    It 'Unlock-Kernel of a kernel KmodPS never locked is a verbose no-op' {
        $verbose = Unlock-Kernel 5.14.0-611.41.1.el9_7.x86_64 -Root TestDrive:/alma -Confirm:$false -Verbose 4>&1
        $verbose | Should -Match 'nothing to unlock'
    }

    It 'Get-KernelLock lists nothing on a root without locks' {
        Get-KernelLock -Root TestDrive:/alma | Should -BeNullOrEmpty
    }
}
