#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The runbooks of about_KmodPS_Runbooks and the cmdlet pages, as an administrator writes them: gates before and after
# a kernel update, the rollback, and the pipelines that compose the read cmdlets. Each case builds its own
# New-KmodTestRoot root under TestDrive and checks the state it leaves behind.

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $k41 = '5.14.0-611.41.1.el9_7.x86_64'
    $k45 = '5.14.0-611.45.1.el9_7.x86_64'
    $k49 = '5.14.0-611.49.1.el9_7.x86_64'
    $nvidia = 'nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm'
}

Describe 'Before the update: the gate of the maintenance window' -Tag Runbooks {
    It 'stops the window and lists, per new kernel, what it would lack (Test-KernelUpdate -Detailed | Where-Object { -not $_.Ready })' {
        $h = (New-KmodTestRoot TestDrive:/gate -Scenario AlmaNvidiaBeforeUpdate).FullName
        $before = Get-KmodTreeState $h

        $gate = {
            if (-not (Test-KernelUpdate -Root $h -Quiet)) {
                $notReady = Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object { -not $_.Ready }
                throw "A kernel update would leave this host without its modules: $($notReady.KernelVersion -join ', ')"
            }
        }

        $gate | Should -Throw -ExpectedMessage "*: $k45, $k49"
        $notReady = Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object { -not $_.Ready }
        $notReady.Source | Should -Be 'Repository', 'Repository'
        foreach ($check in $notReady) {
            $check.ReferenceKernel | Should -Be $k41
            $check.Problems.Module | Sort-Object | Should -Be $nvidia
            $check.Problems.Remediation | Should -Match 'Lock-Kernel -KernelVersion 5\.14\.0-611\.41\.1\.el9_7'
        }
        Get-KmodTreeState $h | Should -Be $before
    }

    It 'lets a healthy host through' {
        $h = (New-KmodTestRoot TestDrive:/healthy -Scenario Healthy).FullName
        Test-KernelUpdate -Root $h -Quiet | Should -BeTrue
        Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object { -not $_.Ready } | Should -BeNullOrEmpty
    }

    It 'warns once per kernel and module with the next step, and -Quiet silences the warnings but not the answer' {
        $h = (New-KmodTestRoot TestDrive:/warnings -Scenario AlmaNvidiaKmodMissing).FullName

        Test-KernelUpdate -Root $h -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeFalse
        $warnings | Should -HaveCount 8
        $warnings | ForEach-Object { $_.Message | Should -Match "^5\.14\.0-611\.4[59]\.1\.el9_7\.x86_64: nvidia\w*: Missing: .*Next step: Set-DefaultKernel $([regex]::Escape($k41))" }

        Test-KernelUpdate -Root $h -Quiet -WarningVariable quiet | Should -BeFalse
        $quiet | Should -BeNullOrEmpty
    }

    It 'checks the installed kernels an admin pipes in (Get-InstalledKernel | Test-KernelUpdate)' {
        $h = (New-KmodTestRoot TestDrive:/named -Scenario AlmaNvidiaKmodMissing).FullName
        $checks = Get-InstalledKernel -Root $h | Test-KernelUpdate -Root $h -Detailed -Quiet
        $checks.KernelVersion | Should -Be $k41, $k45, $k49
        $checks.Source | Should -Be 'Named', 'Named', 'Named'
        $checks.Ready | Should -Be $true, $false, $false
    }

    It 'names the headers package a DKMS module needs for a release the repositories do not offer' {
        $h = (New-KmodTestRoot TestDrive:/dkms -Scenario DebianDkmsStale).FullName
        $check = Test-KernelUpdate -KernelVersion 6.1.0-57-amd64 -Root $h -Detailed -Quiet -WarningAction SilentlyContinue
        $check.Ready | Should -BeFalse
        $check.Problems.Module | Should -Be 'v4l2loopback'
        $check.Problems.Reason | Should -BeLike 'headers not available for 6.1.0-57-amd64: linux-headers-6.1.0-57-amd64 is neither installed nor in any enabled repository*'
        $check.Problems.Remediation | Should -BeLike '*Lock-Kernel -Exclude 6.1.0-57-amd64'
    }
}

Describe 'After the update, before the reboot: keep booting a kernel that has its modules' -Tag Runbooks, Boot {
    BeforeEach {
        # TestDrive lives as long as the Describe: each case gets a root of its own.
        $h = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario AlmaNvidiaKmodMissing).FullName
    }

    It 'the runbook of about_KmodPS_Runbooks moves the next boot to the newest healthy kernel, and a second run changes nothing' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $runbook = {
            $next = Get-KernelModuleStatus -Root $h -NextBoot -Problem
            if ($next) {
                $good = Get-InstalledKernel -Root $h | Where-Object { -not (Get-KernelModuleStatus -Root $h -KernelVersion $_.KernelVersion -Problem) } | Select-Object -Last 1
                Set-DefaultKernel $good.KernelVersion -Root $h -Confirm:$false
            }
        }
        (Get-KernelModuleStatus -Root $h -NextBoot -Problem).Name | Should -Be $nvidia

        & $runbook

        Get-KernelModuleStatus -Root $h -NextBoot -Problem | Should -BeNullOrEmpty
        (Get-InstalledKernel -Root $h | Where-Object IsDefault).KernelVersion | Should -Be $k41
        $after = Get-KmodTreeState $h
        & $runbook
        Get-KmodTreeState $h | Should -Be $after
    }

    It 'the pipeline form binds KernelVersion and Root from Get-InstalledKernel (... | Select-Object -Last 1 | Set-DefaultKernel -PassThru)' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $kernel = Get-InstalledKernel -Root $h | Where-Object { -not (Get-KernelModuleStatus -Root $h -KernelVersion $_.KernelVersion -Problem) } |
            Select-Object -Last 1 | Set-DefaultKernel -Confirm:$false -PassThru

        $kernel.KernelVersion | Should -Be $k41
        $kernel.IsDefault | Should -BeTrue
        (Get-KernelModuleStatus -Root $h -NextBoot).KernelVersion | Sort-Object -Unique | Should -Be $k41
    }

    It 'setting the kernel that already boots next is a verbose no-op' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        Set-DefaultKernel $k41 -Root $h -Confirm:$false
        $after = Get-KmodTreeState $h

        $verbose = Set-DefaultKernel $k41 -Root $h -Confirm:$false -Verbose 4>&1

        $verbose.Message -join "`n" | Should -Match 'already boots next.*nothing to change'
        Get-KmodTreeState $h | Should -Be $after
    }

    It '-Once boots the good kernel on the next boot only: the saved default stays' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Once -Root $h -Confirm:$false

        (Get-KernelModuleStatus -Root $h -NextBoot).KernelVersion | Sort-Object -Unique | Should -Be $k41
        $grubenv = Get-Content "$h/boot/grub2/grubenv"
        $grubenv | Should -Contain "next_entry=0d1e5f7a2b3c4d5e6f708192a3b4c5d6-$k41"
        $grubenv | Should -Contain "saved_entry=0d1e5f7a2b3c4d5e6f708192a3b4c5d6-$k49"
    }

    It 'on Debian, -Force makes a kernel of "Advanced options" the default with GRUB''s menu path and warns about its modules' {
        Assert-LabTool -Program 'grub-editenv'
        $deb = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario DebianDkmsStale).FullName

        Set-DefaultKernel 6.1.0-55-amd64 -Root $deb -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings.Message | Should -BeLike '-Force: 6.1.0-55-amd64 is made the default although it has module problems: v4l2loopback Missing*'
        (Get-InstalledKernel -Root $deb | Where-Object IsDefault).KernelVersion | Should -Be '6.1.0-55-amd64'
        Get-Content "$deb/boot/grub/grubenv" | Should -Contain 'saved_entry=gnulinux-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b>gnulinux-6.1.0-55-amd64-advanced-3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b'
    }
}

Describe 'Pipelines of the read cmdlets' -Tag Runbooks, Modules {
    It 'Get-InstalledKernel | Get-KernelModuleStatus reads the root the kernels came from: one row per module and kernel' {
        $h = (New-KmodTestRoot TestDrive:/status -Scenario AlmaNvidiaKmodMissing).FullName
        $rows = Get-InstalledKernel -Root $h | Get-KernelModuleStatus

        $rows | Should -HaveCount 12
        $rows.Root | Sort-Object -Unique | Should -Be $h
        ($rows | Group-Object KernelVersion).Name | Should -Be $k41, $k45, $k49
        ($rows | Where-Object KernelVersion -eq $k41).State | Sort-Object -Unique | Should -Be 'Installed'
        ($rows | Where-Object KernelVersion -ne $k41).State | Sort-Object -Unique | Should -Be 'Missing'
        ($rows | Where-Object IsNextBootKernel).KernelVersion | Sort-Object -Unique | Should -Be $k49
    }

    It 'Get-InstalledKernel | Where-Object HasHeaders | Get-KernelModuleStatus -Provider Dkms keeps the kernels DKMS can build for' {
        $h = (New-KmodTestRoot TestDrive:/headers -Scenario DebianDkmsStale).FullName
        $rows = Get-InstalledKernel -Root $h | Where-Object HasHeaders | Get-KernelModuleStatus -Provider Dkms

        $rows.KernelVersion | Should -Be '6.1.0-56-amd64'
        $rows.Name | Should -Be 'v4l2loopback'
        $rows.State | Should -Be 'Stale'
    }

    It 'Get-KernelModuleStatus -Problem | Repair-KernelModule -WhatIf on <Scenario> shows the repairs and changes nothing' -ForEach @(
        @{ Scenario = 'AlmaNvidiaKmodMissing' }
        @{ Scenario = 'DebianDkmsStale' }
    ) {
        $h = (New-KmodTestRoot "TestDrive:/repair-$Scenario" -Scenario $Scenario).FullName
        $before = Get-KmodTreeState $h

        # Which outcome and whether an error comes with it under -WhatIf is KmodPS.Repair.Tests.ps1's subject.
        $results = Get-KernelModuleStatus -Root $h -Problem | Repair-KernelModule -WhatIf -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $results | Should -Not -BeNullOrEmpty
        $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'KmodPS.Core.Models.RepairResult' }
        $results.Root | Sort-Object -Unique | Should -Be $h
        Get-KmodTreeState $h | Should -Be $before
    }
}

Describe 'Get-KernelHost: branch a runbook on the family' -Tag Runbooks, Kernels {
    It '<Scenario> is a <Family> host, and a root runs no kernel' -ForEach @(
        @{ Scenario = 'Healthy'; Family = 'RedHat'; VersionId = '9.7'; Step = 'dnf host' }
        @{ Scenario = 'AlmaNvidiaBeforeUpdate'; Family = 'RedHat'; VersionId = '9.7'; Step = 'dnf host' }
        @{ Scenario = 'DebianDkmsStale'; Family = 'Debian'; VersionId = '12'; Step = 'apt host' }
        @{ Scenario = 'SecureBootUntrusted'; Family = 'Debian'; VersionId = '12'; Step = 'apt host' }
    ) {
        $h = (New-KmodTestRoot "TestDrive:/host-$Scenario" -Scenario $Scenario).FullName
        $kernelHost = Get-InstalledKernel -Root $h | Select-Object -First 1 | Get-KernelHost

        $kernelHost.Root | Should -Be $h
        $kernelHost.VersionId | Should -Be $VersionId
        $kernelHost.RunningKernel | Should -BeNullOrEmpty
        $next = switch ($kernelHost.Family) { 'RedHat' { 'dnf host' } 'Debian' { 'apt host' } default { 'other' } }
        $next | Should -Be $Step
    }

    It 'a root without os-release is Unknown, with a warning' {
        $h = (New-KmodTestRoot TestDrive:/no-os-release -Scenario Healthy).FullName
        Remove-Item "$h/etc/os-release"

        (Get-KernelHost -Root $h -WarningVariable warnings -WarningAction SilentlyContinue).Family | Should -Be 'Unknown'
        $warnings | Should -Not -BeNullOrEmpty
    }
}

Describe 'New-KmodTestRoot' -Tag Runbooks {
    It '-WhatIf builds nothing' {
        New-KmodTestRoot TestDrive:/whatif -Scenario Healthy -WhatIf
        Test-Path TestDrive:/whatif | Should -BeFalse
    }

    It 'builds <_> for every read cmdlet, which read it without an error and write nothing' -ForEach @('Healthy', 'AlmaNvidiaKmodMissing', 'AlmaNvidiaBeforeUpdate', 'DebianDkmsStale', 'SecureBootUntrusted') {
        $root = New-KmodTestRoot "TestDrive:/read-$_" -Scenario $_ -Confirm:$false
        $root | Should -BeOfType System.IO.DirectoryInfo
        $h = $root.FullName
        $before = Get-KmodTreeState $h

        {
            $ErrorActionPreference = 'Stop'
            Get-KernelHost -Root $h
            Get-InstalledKernel -Root $h
            Get-KernelModuleStatus -Root $h
            Test-KernelUpdate -Root $h -Detailed -Quiet
            Get-KernelLock -Root $h
            Get-KernelUpdateGuard -Root $h -WarningAction SilentlyContinue
            Export-KernelModuleMetrics -Root $h
        } | Should -Not -Throw

        Get-KmodTreeState $h | Should -Be $before
    }
}

Describe 'In a non-interactive host (cron, CI, the guard''s hooks)' -Tag Runbooks {
    BeforeAll {
        # A child pwsh -NonInteractive runs the commands, as cron or a CI job would: PowerShell itself refuses to prompt
        # there, so a command that would ask fails with InvalidOperation, and one that would not ask runs.
        $roots = [ordered]@{}
        foreach ($step in 'high', 'confirm', 'confirmFalse', 'medium') {
            $roots[$step] = (New-KmodTestRoot "TestDrive:/noninteractive-$step" -Scenario AlmaNvidiaKmodMissing).FullName
        }
        $roots.hook = (New-KmodTestRoot TestDrive:/noninteractive-hook -Scenario Healthy).FullName
        $roots.low = (New-KmodTestRoot TestDrive:/noninteractive-low -Scenario Healthy).FullName
        $before = @{ high = Get-KmodTreeState $roots.high; confirm = Get-KmodTreeState $roots.confirm }
        $metrics = Join-Path $TestDrive 'noninteractive.prom'
        Set-Content -LiteralPath (Join-Path $TestDrive 'noninteractive.ps1') -Value @'
param([string] $Module, [string] $Roots, [string] $Metrics)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$r = Get-Content -Raw -LiteralPath $Roots | ConvertFrom-Json
$steps = [ordered]@{
    high         = { Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root $r.high }
    confirm      = { Install-KernelUpdateGuard -Root $r.confirm -Confirm -WarningAction SilentlyContinue }
    confirmFalse = { Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root $r.confirmFalse -Confirm:$false }
    medium       = { Install-KernelUpdateGuard -Root $r.medium -WarningAction SilentlyContinue }
    hook         = { Invoke-KernelUpdateGuard 5.14.0-611.45.1.el9_7.x86_64 -Root $r.hook -WarningAction SilentlyContinue }
    low          = { Export-KernelModuleMetrics -Root $r.low -Path $Metrics -SkipUpdateCheck }
}
$outcome = [ordered]@{}
foreach ($step in $steps.GetEnumerator()) {
    try { & $step.Value | Out-Null; $outcome[$step.Key] = 'ran' } catch { $outcome[$step.Key] = $_.FullyQualifiedErrorId }
}
$outcome | ConvertTo-Json -Compress
'@
        $pwsh = [Environment]::ProcessPath
        # Under `dotnet tool run pwsh` the process is dotnet and its first argument pwsh.dll.
        $engine = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
        $roots | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $TestDrive 'noninteractive.json')
        $json = & $pwsh @engine -NoProfile -NonInteractive -File (Join-Path $TestDrive 'noninteractive.ps1') "$repo/KmodPS.psd1" (Join-Path $TestDrive 'noninteractive.json') $metrics
        $childExit = $LASTEXITCODE
        $outcome = $json | ConvertFrom-Json
    }

    It 'the child pwsh ran every step' {
        $childExit | Should -Be 0
        $outcome.PSObject.Properties.Name | Should -Be 'high', 'confirm', 'confirmFalse', 'medium', 'hook', 'low'
    }

    It 'Set-DefaultKernel (ConfirmImpact High) stops at the prompt it cannot show and changes nothing' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $outcome.high | Should -Be 'InvalidOperation,KmodPS.Commands.SetDefaultKernelCommand'
        Get-KmodTreeState $roots.high | Should -Be $before.high
    }

    It '-Confirm asks even a Medium-impact cmdlet, so Install-KernelUpdateGuard -Confirm fails and writes nothing' {
        $outcome.confirm | Should -Be 'InvalidOperation,KmodPS.Commands.InstallKernelUpdateGuardCommand'
        Get-KmodTreeState $roots.confirm | Should -Be $before.confirm
    }

    It 'with -Confirm:$false Set-DefaultKernel applies without asking' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $outcome.confirmFalse | Should -Be 'ran'
        (Get-InstalledKernel -Root $roots.confirmFalse | Where-Object IsDefault).KernelVersion | Should -Be $k41
    }

    It 'Medium and Low impact run unprompted: the guard installs, its hook records a verdict, the metrics are written' {
        $outcome.medium, $outcome.hook, $outcome.low | Should -Be 'ran', 'ran', 'ran'
        (Get-KernelUpdateGuard -Root $roots.medium).IsInstalled | Should -BeTrue
        (Get-KernelUpdateGuard -Root $roots.hook -WarningAction SilentlyContinue).LastDecision.Action | Should -Be 'None'
        Get-Content -Raw $metrics | Should -Match 'kmodps_next_boot_ready\{kernel="5\.14\.0-611\.45\.1\.el9_7\.x86_64"\} 1'
    }
}
