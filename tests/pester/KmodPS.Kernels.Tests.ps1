#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    $alma = "$repo/tests/fixtures/roots/alma-basic"
    $debian = "$repo/tests/fixtures/roots/debian-merged"
    # These fixture roots have no boot loader, so every listing warns that the next boot cannot be known (and debian-merged
    # that 'bad name' is no kernel release, which a case below asserts): expected, so kept out of the output.
    $PSDefaultParameterValues['Get-InstalledKernel:WarningAction'] = 'SilentlyContinue'
}

Describe 'Get-InstalledKernel' -Tag Kernels {
    It 'lists kernels oldest first by a real version comparison' {
        (Get-InstalledKernel -Root $alma).KernelVersion |
            Should -Be '5.14.0-611.9.1.el9_7.x86_64', '5.14.0-611.41.1.el9_7.x86_64'
    }

    It 'filters in the pipeline' {
        $kernels = Get-InstalledKernel -Root $alma | Where-Object IsRunning -eq $false
        $kernels | Should -HaveCount 2
        $kernels[1].HasHeaders | Should -BeTrue
        $kernels[0].HasHeaders | Should -BeFalse
    }

    It 'binds KernelVersion and Root by property name' {
        $kernel = Get-InstalledKernel -Root $alma | Where-Object HasHeaders | Get-InstalledKernel
        $kernel.KernelVersion | Should -Be '5.14.0-611.41.1.el9_7.x86_64'
    }

    It 'reads owners from the dpkg lists' {
        (Get-InstalledKernel -Root $debian 6.1.0-10-amd64).Package | Should -Be 'linux-image-6.1.0-10-amd64'
    }

    It 'accepts wildcards' {
        (Get-InstalledKernel -Root $debian '6.1.0-1*').KernelVersion | Should -Be '6.1.0-10-amd64'
    }

    It 'warns about names that are not kernel releases and lists the rest' {
        $kernels = Get-InstalledKernel -Root $debian -WarningVariable warnings -WarningAction SilentlyContinue
        $kernels | Should -HaveCount 2
        # Other warnings (no boot loader in this fixture) come too; exactly one names the bad file.
        @($warnings | Where-Object Message -Match "'bad name' is not a kernel release") | Should -HaveCount 1
    }
}

Describe 'Get-KernelHost' -Tag Kernels {
    It 'classifies AlmaLinux as RedHat' {
        $kernelHost = Get-KernelHost -Root $alma
        $kernelHost.Family | Should -Be 'RedHat'
        $kernelHost.VersionId | Should -Be '9.7'
        $kernelHost.RunningKernel | Should -BeNullOrEmpty
    }

    It 'classifies Debian as Debian' {
        (Get-KernelHost -Root $debian).Family | Should -Be 'Debian'
    }
}

Describe 'Error ids' -Tag Errors {
    It 'RootNotFound for a missing root' {
        { Get-InstalledKernel -Root /no/such/root -ErrorAction Stop } | Should -Throw -ErrorId 'RootNotFound,KmodPS.Commands.GetInstalledKernelCommand'
    }

    It 'KernelNotFound for an unknown kernel' {
        { Get-InstalledKernel -Root $debian 9.9.9-nope -ErrorAction Stop } | Should -Throw -ErrorId 'KernelNotFound,KmodPS.Commands.GetInstalledKernelCommand'
    }

    It 'InvalidKernelVersion for <_>' -ForEach @('6.1.0; reboot', '', "6.1.0`n", '$(id)') {
        { Get-InstalledKernel -Root $debian -KernelVersion $_ -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidKernelVersion,KmodPS.Commands.GetInstalledKernelCommand'
    }

    It 'InvalidKernelVersion for Lock-Kernel <_>' -ForEach @('6.1.0; reboot', "6.1.0`n", '$(id)') {
        { Lock-Kernel -KernelVersion $_ -Root $debian -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidKernelVersion,KmodPS.Commands.LockKernelCommand'
    }
}
