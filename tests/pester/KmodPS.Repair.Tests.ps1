#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
}

# DebianDkmsStale: v4l2loopback on 6.1.0-55-amd64 has no headers, and the test root has no dkms for 6.1.0-56-amd64's
# stale build, so neither pair can be repaired there and nothing may run.
Describe 'Repair-KernelModule reports each module and kernel once' -Tag Repair {
    BeforeEach {
        $root = 'TestDrive:/deb'
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
        New-KmodTestRoot $root -Scenario DebianDkmsStale | Out-Null
        $pairs = Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue |
            ForEach-Object { "$($_.Name) $($_.KernelVersion)" } | Sort-Object -Unique
    }

    It 'under -WhatIf, gives one Blocked row per pair and no error' {
        $rows = Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue |
            Repair-KernelModule -Root $root -WhatIf -ErrorVariable failures -WarningAction SilentlyContinue
        $failures | Should -BeNullOrEmpty
        $rows | ForEach-Object { "$($_.Name) $($_.KernelVersion)" } | Should -Be $pairs
        $rows.Outcome | Should -Be 'Blocked', 'Blocked'
        $rows.Outcome | Should -Not -Contain 'Failed'
        ($rows | Where-Object KernelVersion -eq '6.1.0-55-amd64').Message | Should -BeLike 'headers not installed for 6.1.0-55-amd64*linux-headers-6.1.0-55-amd64*'
    }

    It 'without -WhatIf, gives one row and one error per blocked pair, the error targeting the row' {
        $rows = Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue |
            Repair-KernelModule -Root $root -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $rows | ForEach-Object { "$($_.Name) $($_.KernelVersion)" } | Should -Be $pairs
        $rows.Outcome | Should -Be 'Blocked', 'Blocked'
        $failures.FullyQualifiedErrorId | Should -Be 'HeadersNotInstalled,KmodPS.Commands.RepairKernelModuleCommand', 'DkmsNotFound,KmodPS.Commands.RepairKernelModuleCommand'
        $failures.TargetObject.KernelVersion | Should -Be $rows.KernelVersion
    }

    It 'fits its default table into <_> columns with the message wrapped at words' -ForEach @(80, 120) {
        $rows = Repair-KernelModule -Root $root -WhatIf -WarningAction SilentlyContinue
        $table = $rows | Out-String -Width $_
        $table -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessThan 80 }
        $words = -split $table
        foreach ($word in -split ($rows | Where-Object KernelVersion -eq '6.1.0-55-amd64').Message) {
            $words | Should -Contain $word
        }
    }
}
