#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Export-KernelModuleMetrics as the cron job for node_exporter's textfile collector runs it, and its gauges following
# the changes the other cmdlets make.

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force

    function Get-Gauge([string] $Text, [string] $Name) {
        # The samples of one gauge, without the HELP and TYPE lines.
        $Text -split "`n" | Where-Object { $_ -like "$Name*" }
    }
}

Describe 'The textfile collector''s .prom file' -Tag Metrics {
    It '-WhatIf writes nothing; -Confirm:$false writes the file alone, one module sample per Get-KernelModuleStatus row; the root is only read' {
        $h = (New-KmodTestRoot TestDrive:/prom -Scenario DebianDkmsStale).FullName
        $collector = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'textfile_collector')
        $prom = Join-Path $collector 'kmodps.prom'
        $before = Get-KmodTreeState $h

        Export-KernelModuleMetrics -Path $prom -Root $h -SkipUpdateCheck -WhatIf
        Test-Path $prom | Should -BeFalse

        Export-KernelModuleMetrics -Path $prom -Root $h -SkipUpdateCheck -Confirm:$false

        (Get-ChildItem -Force $collector).Name | Should -Be 'kmodps.prom'
        $text = Get-Content -Raw $prom
        $expected = Get-KernelModuleStatus -Root $h | ForEach-Object { "kmodps_module_state{kernel=`"$($_.KernelVersion)`",module=`"$($_.Name)`",provider=`"$($_.Provider)`",state=`"$($_.State)`"} 1" }
        Get-Gauge $text 'kmodps_module_state{' | Should -Be $expected
        Get-Gauge $text 'kmodps_next_boot_ready{' | Should -Be 'kmodps_next_boot_ready{kernel="6.1.0-56-amd64"} 0'
        Get-Gauge $text 'kmodps_update_ready' | Should -BeNullOrEmpty
        Get-KmodTreeState $h | Should -Be $before
    }

    It 'writing again with nothing changed gives the same file' {
        $h = (New-KmodTestRoot TestDrive:/again -Scenario AlmaNvidiaKmodMissing).FullName
        $prom = Join-Path $TestDrive 'again.prom'
        Export-KernelModuleMetrics $prom -Root $h -SkipUpdateCheck -Confirm:$false
        $first = (Get-FileHash $prom).Hash

        Export-KernelModuleMetrics $prom -Root $h -SkipUpdateCheck -Confirm:$false

        (Get-FileHash $prom).Hash | Should -Be $first
    }

    It 'kmodps_update_ready is <Ready> for <Scenario>, as Test-KernelUpdate answers' -ForEach @(
        @{ Scenario = 'Healthy'; Ready = 1 }
        @{ Scenario = 'AlmaNvidiaBeforeUpdate'; Ready = 0 }
    ) {
        $h = (New-KmodTestRoot "TestDrive:/update-$Scenario" -Scenario $Scenario).FullName
        $answer = Test-KernelUpdate -Root $h -Quiet

        Get-Gauge (Export-KernelModuleMetrics -Root $h) 'kmodps_update_ready' | Should -Be "kmodps_update_ready $Ready"
        [int] $answer | Should -Be $Ready
    }

    It 'kmodps_next_boot_ready is NaN when the next boot cannot be known' {
        $h = (New-KmodTestRoot TestDrive:/unknown -Scenario DebianDkmsStale).FullName
        Remove-Item "$h/boot/grub/grubenv", "$h/boot/grub/grub.cfg"

        Get-Gauge (Export-KernelModuleMetrics -Root $h -SkipUpdateCheck) 'kmodps_next_boot_ready{' | Should -Match '^kmodps_next_boot_ready\{kernel=""\} NaN$'
    }
}

Describe 'The gauges follow the runbooks' -Tag Metrics {
    It 'the next-boot alert clears after the rollback' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $h = (New-KmodTestRoot TestDrive:/alert -Scenario AlmaNvidiaKmodMissing).FullName
        Get-Gauge (Export-KernelModuleMetrics -Root $h -SkipUpdateCheck) 'kmodps_next_boot_ready{' | Should -Be 'kmodps_next_boot_ready{kernel="5.14.0-611.49.1.el9_7.x86_64"} 0'

        Set-DefaultKernel 5.14.0-611.41.1.el9_7 -Root $h -Confirm:$false

        Get-Gauge (Export-KernelModuleMetrics -Root $h -SkipUpdateCheck) 'kmodps_next_boot_ready{' | Should -Be 'kmodps_next_boot_ready{kernel="5.14.0-611.41.1.el9_7.x86_64"} 1'
    }

    It 'kmodps_locked_kernels counts the releases Lock-Kernel pinned or excluded, and drops to 0 after Unlock-Kernel' {
        Assert-LabTool -Program apt-mark
        $h = (New-KmodTestRoot TestDrive:/locked -Scenario DebianDkmsStale).FullName

        Lock-Kernel 6.1.0-56-amd64 -Root $h -Confirm:$false
        Lock-Kernel -Exclude 6.1.0-57-amd64 -Root $h -Confirm:$false
        Get-Gauge (Export-KernelModuleMetrics -Root $h -SkipUpdateCheck) 'kmodps_locked_kernels' | Should -Be 'kmodps_locked_kernels 2'

        Unlock-Kernel -Root $h -Confirm:$false
        Get-Gauge (Export-KernelModuleMetrics -Root $h -SkipUpdateCheck) 'kmodps_locked_kernels' | Should -Be 'kmodps_locked_kernels 0'
    }
}
