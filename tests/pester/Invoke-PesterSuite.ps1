#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite with the Pester that the test project restored from NuGet (never an installed one).
.DESCRIPTION
    tests/run calls this under the pwsh pinned in .config/dotnet-tools.json after building the module. It prints
    Pester's totals and exits 1 when a test, a container or discovery failed, 0 otherwise.
.EXAMPLE
    dotnet tool run pwsh -- -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -Tag Errors
#>
param(
    [string[]] $Path = $PSScriptRoot,
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Output = 'Normal'
)
$ErrorActionPreference = 'Stop'

# The version the test project's PackageDownload names; restored by `dotnet build` or `dotnet restore`.
$pesterVersion = '5.9.1'
Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
$manifest = Join-Path (Get-NuGetPackageRoot) "pester/$pesterVersion/tools/Pester.psd1"
if (-not (Test-Path -LiteralPath $manifest)) {
    throw "Pester $pesterVersion is not in the NuGet cache ($manifest): run 'dotnet restore tests/KmodPS.Tests' first."
}
Import-Module $manifest -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = $Output
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $PSScriptRoot '../../TestResults/pester.xml'
if ($Tag) { $configuration.Filter.Tag = $Tag }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }

$result = Invoke-Pester -Configuration $configuration
$failedBlocks = @($result.FailedBlocks).Count + @($result.FailedContainers).Count
"Pester $pesterVersion under pwsh $($PSVersionTable.PSVersion): $($result.Result), Passed: $($result.PassedCount), Failed: $($result.FailedCount), Skipped: $($result.SkippedCount), NotRun: $($result.NotRunCount), failed blocks or containers: $failedBlocks"
exit ($result.Result -eq 'Passed' ? 0 : 1)
