@{
    RootModule           = 'module/bin/KmodPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7f3e-2c1d-4d7a-9a55-3c1e8f2b9d41'
    Author               = 'KmodPS contributors'
    CompanyName          = 'KmodPS contributors'
    Copyright            = '(c) 2026 KmodPS contributors. MIT License.'
    Description          = 'Keeps Linux hosts bootable with their out-of-tree kernel modules (NVIDIA, ZFS, DKMS) across kernel updates, on RHEL-family and Debian-family hosts.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('module/KmodPS.format.ps1xml')
    TypesToProcess       = @('module/KmodPS.types.ps1xml')
    CmdletsToExport      = @(
        'Get-InstalledKernel'
        'Get-KernelHost'
        'Get-KernelModuleStatus'
        'Test-KernelUpdate'
        'Set-DefaultKernel'
        'Lock-Kernel'
        'Unlock-Kernel'
        'Get-KernelLock'
        'Export-KernelModuleMetrics'
        'New-KmodTestRoot'
        'Remove-Kernel'
        'Install-KernelUpdateGuard'
        'Uninstall-KernelUpdateGuard'
        'Get-KernelUpdateGuard'
        'Invoke-KernelUpdateGuard'
        'Repair-KernelModule'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Kernel', 'DKMS', 'kmod', 'NVIDIA', 'ZFS', 'SecureBoot', 'GRUB', 'dnf', 'apt', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Foundation: Get-InstalledKernel, Get-KernelHost, the runner kmodps.'
        }
    }
}
