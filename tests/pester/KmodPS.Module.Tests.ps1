#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
}

Describe 'KmodPS module surface' -Tag Surface {
    It 'exports exactly the documented cmdlets' {
        $expected = 'Get-InstalledKernel', 'Get-KernelHost', 'Get-KernelLock', 'Get-KernelModuleStatus',
            'Lock-Kernel', 'Set-DefaultKernel', 'Test-KernelUpdate', 'Unlock-Kernel',
            'Remove-Kernel', 'Install-KernelUpdateGuard', 'Uninstall-KernelUpdateGuard', 'Get-KernelUpdateGuard', 'Invoke-KernelUpdateGuard',
            'Repair-KernelModule', 'Export-KernelModuleMetrics', 'New-KmodTestRoot'
        (Get-Command -Module KmodPS).Name | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'has full help for <_>' -ForEach @('Get-InstalledKernel', 'Get-KernelHost', 'Get-KernelModuleStatus') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^$_ "
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $documented = $help.parameters.parameter.name
        foreach ($parameter in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }) {
            $documented | Should -Contain $parameter
        }
    }

    It 'ships no runtime compilation' {
        # bin/ and obj/ hold the build's copies of pwsh's own modules (the runner hosts the full engine), not KmodPS's.
        Get-ChildItem "$repo/src", "$repo/module" -Recurse -File -Include *.cs, *.ps1, *.psd1, *.ps1xml |
            Where-Object FullName -NotMatch '/(bin|obj)/' |
            Select-String -Pattern 'Add-Type', 'Microsoft.CodeAnalysis' -SimpleMatch |
            Should -BeNullOrEmpty
    }
}
