#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Every stable error id, provoked against a New-KmodTestRoot root from the catalogue in ErrorCases.psd1.
# The xunit suite runs the same catalogue in the hosted engine (tests/KmodPS.Tests/Errors), so these cases run in CI.

BeforeDiscovery {
    $catalogue = Import-PowerShellDataFile "$PSScriptRoot/ErrorCases.psd1"
}

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
}

Describe 'Every stable error id' -Tag Errors {
    It '<Id>: <Command>' -ForEach $catalogue.Cases {
        if ($HostTools) { Assert-LabTool -Program ($HostTools -join '|') }
        $root = Join-Path $TestDrive $Id
        New-KmodTestRoot $root -Scenario $Scenario | Out-Null
        if ($Setup) { . ([scriptblock]::Create($Setup)) }
        $before = Get-KmodTreeState $root

        { $ErrorActionPreference = 'Stop'; . ([scriptblock]::Create($Command)) | Out-Null } | Should -Throw -ErrorId "$Id,KmodPS.Commands.*"

        Get-KmodTreeState $root | Should -Be $before
    }

    It '<Id> is provoked by the xunit test <CoveredBy> (<Reason>)' -ForEach $catalogue.Elsewhere {
        Set-ItResult -Skipped -Because "a files-only test root cannot provoke $Id ($Reason); the xunit test $CoveredBy does"
    }
}
