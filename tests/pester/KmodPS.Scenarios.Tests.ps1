#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'Runbook checks against New-KmodTestRoot scenarios' -Tag Modules {
    It 'Test-KernelUpdate is <ready> for <scenario>' -ForEach @(
        @{ Scenario = 'Healthy'; Ready = $true }
        @{ Scenario = 'AlmaNvidiaKmodMissing'; Ready = $false }
        @{ Scenario = 'AlmaNvidiaBeforeUpdate'; Ready = $false }
    ) {
        New-KmodTestRoot "TestDrive:/$Scenario" -Scenario $Scenario | Out-Null
        Test-KernelUpdate -Root "TestDrive:/$Scenario" -Quiet | Should -Be $Ready
    }

    It 'shows the AlmaLinux incident' {
        New-KmodTestRoot TestDrive:/alma -Scenario AlmaNvidiaKmodMissing | Out-Null
        $next = Get-KernelModuleStatus -Root TestDrive:/alma -Name nvidia -NextBoot
        $next.State | Should -Be 'Missing'
        $next.KernelVersion | Should -Be '5.14.0-611.49.1.el9_7.x86_64'
    }

    It 'names the missing kmod and the next step' {
        New-KmodTestRoot TestDrive:/before -Scenario AlmaNvidiaBeforeUpdate | Out-Null
        $checks = Test-KernelUpdate -Root TestDrive:/before -Detailed -Quiet
        $checks.KernelVersion | Should -Be '5.14.0-611.45.1.el9_7.x86_64', '5.14.0-611.49.1.el9_7.x86_64'
        $checks[0].Problems[0].Reason | Should -Match 'kmod-nvidia-open .* not in any enabled repository'
        $checks[0].Problems[0].Remediation | Should -Match 'Lock-Kernel -KernelVersion 5.14.0-611.41.1.el9_7'
    }

    It 'finds the stale DKMS build and the headerless kernel' {
        New-KmodTestRoot TestDrive:/deb -Scenario DebianDkmsStale | Out-Null
        $rows = Get-KernelModuleStatus -Root TestDrive:/deb -Problem
        ($rows | Where-Object KernelVersion -eq '6.1.0-56-amd64').State | Should -Be 'Stale'
        ($rows | Where-Object KernelVersion -eq '6.1.0-55-amd64').Reason | Should -BeLike 'headers not installed*'
    }

    It 'flags the untrusted MOK signature under Secure Boot' {
        New-KmodTestRoot TestDrive:/sb -Scenario SecureBootUntrusted | Out-Null
        (Get-KernelModuleStatus -Root TestDrive:/sb -NextBoot).State | Should -Be 'Untrusted'
    }
}

Describe 'Set-DefaultKernel in a test root' -Tag Boot {
    BeforeEach {
        # TestDrive lives as long as the Describe: each case gets a new root of its own.
        $h = Join-Path $TestDrive (New-Guid)
        New-KmodTestRoot $h -Scenario AlmaNvidiaKmodMissing | Out-Null
    }

    It 'rolls back to the kernel that has its modules' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root $h -Confirm:$false
        (Get-InstalledKernel -Root $h | Where-Object IsDefault).KernelVersion | Should -Be '5.14.0-611.41.1.el9_7.x86_64'
    }

    It 'refuses a kernel without its modules' {
        { Set-DefaultKernel 5.14.0-611.45.1.el9_7 -Root $h -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'KernelNotHealthy,KmodPS.Commands.SetDefaultKernelCommand'
    }

    It 'refuses malformed versions before doing anything' {
        { Set-DefaultKernel '5.14; reboot' -Root $h -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidKernelVersion,KmodPS.Commands.SetDefaultKernelCommand'
    }
}
