# Shared by the Pester files (Import-Module in BeforeAll): a root's state, to compare before and after a change, and
# the gate for cases that run a host tool the machine may lack.

function Get-KmodTreeState {
    <#
    .SYNOPSIS
        One sorted line per entry under a root: its relative path, then its SHA-256 and Unix mode (a link: its target).
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $full = (Resolve-Path -LiteralPath $Path).ProviderPath
    Get-ChildItem -LiteralPath $full -Recurse -Force | ForEach-Object {
        $state = if ($_.LinkTarget) { "-> $($_.LinkTarget)" } elseif ($_.PSIsContainer) { "directory $($_.UnixMode)" } else { "$((Get-FileHash -LiteralPath $_.FullName).Hash) $($_.UnixMode)" }
        '{0} {1}' -f [IO.Path]::GetRelativePath($full, $_.FullName), $state
    } | Sort-Object
}

function Assert-LabTool {
    <#
    .SYNOPSIS
        Called first in an It that runs host tools: skips the test with the reason when one is missing, or fails it
        when KMODPS_LAB=required (as CI sets, like the xunit lab tests).
    .PARAMETER Program
        Programs that must be on PATH; 'a|b' means either.
    .PARAMETER File
        Paths (wildcards allowed) that must exist, for what is not a program (dnf's versionlock plugin).
    #>
    param([string[]] $Program = @(), [string[]] $File = @())
    $missing = @(
        $Program | Where-Object { -not ($_ -split '\|' | Where-Object { Get-Command $_ -CommandType Application -ErrorAction Ignore }) } | ForEach-Object { $_ -replace '\|', ' or ' }
        $File | Where-Object { -not (Test-Path -Path $_) }
    )
    if ($missing.Count -eq 0) {
        return
    }
    $reason = "this machine lacks $($missing -join ', ') (the lab packages: sudo tests/lab/install.sh)"
    if ($env:KMODPS_LAB -eq 'required') {
        throw "KMODPS_LAB=required, but $reason"
    }
    Set-ItResult -Skipped -Because $reason
}

function Get-NuGetPackageRoot {
    <#
    .SYNOPSIS
        The NuGet global packages folder, where `dotnet tool restore` and the test project's restore put the pinned pwsh
        and Pester: NUGET_PACKAGES when set, else what `dotnet nuget locals` says.
    #>
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw "dotnet nuget locals failed with exit code $LASTEXITCODE" }
    ($line -replace '^global-packages:\s*', '').Trim()
}

Export-ModuleMember -Function Get-KmodTreeState, Assert-LabTool, Get-NuGetPackageRoot
