#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
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

    It 'InvalidKernelVersion from <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelModuleStatus', 'Test-KernelUpdate', 'Set-DefaultKernel', 'Lock-Kernel') {
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

    It 'TestRootNotEmpty from New-KmodTestRoot' {
        { New-KmodTestRoot TestDrive:/alma -Scenario Healthy -ErrorAction Stop } | Should -Throw -ErrorId 'TestRootNotEmpty,KmodPS.Commands.NewKmodTestRootCommand'
    }

    It 'a -WhatIf change leaves the root untouched' {
        $before = Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash
        Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root TestDrive:/alma -WhatIf
        Get-ChildItem TestDrive:/alma -Recurse -File | Get-FileHash | Select-Object -ExpandProperty Hash | Should -Be $before
    }
}
