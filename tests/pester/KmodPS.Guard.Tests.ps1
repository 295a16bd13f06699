#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The kernel update guard as an administrator sets it up and as its hooks run it: Install-, Get-, Uninstall- and
# Invoke-KernelUpdateGuard against New-KmodTestRoot roots. Moving the boot default runs the host's grub2-editenv or
# grub-editenv on the root's grubenv, as Set-DefaultKernel does.

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $k41 = '5.14.0-611.41.1.el9_7.x86_64'
    $k45 = '5.14.0-611.45.1.el9_7.x86_64'
    $k49 = '5.14.0-611.49.1.el9_7.x86_64'
}

Describe 'Install, inspect and remove the guard on a <Scenario> root' -Tag Guard -ForEach @(
    @{ Scenario = 'AlmaNvidiaKmodMissing'; Family = 'RedHat'; Hooks = @('/etc/kernel/install.d/95-kmodps.install') }
    @{ Scenario = 'DebianDkmsStale'; Family = 'Debian'; Hooks = @('/etc/kernel/header_postinst.d/zzz-kmodps', '/etc/kernel/postinst.d/zzz-kmodps') }
) {
    BeforeEach {
        $h = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario $Scenario).FullName
        $pristine = Get-KmodTreeState $h
    }

    It 'installs the family''s hooks, executable and current; -WhatIf before and a second install after change nothing' {
        Install-KernelUpdateGuard -Root $h -WhatIf -WarningAction SilentlyContinue
        Get-KmodTreeState $h | Should -Be $pristine

        $guard = Install-KernelUpdateGuard -Root $h -Promote -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings.Message | Should -BeLike 'The runner /usr/local/bin/kmodps does not exist*'
        $guard.Family | Should -Be $Family
        $guard.IsInstalled | Should -BeTrue
        $guard.Promote | Should -BeTrue
        $guard.Hooks.Path | Sort-Object | Should -Be $Hooks
        $guard.Hooks.IsCurrent | Should -Not -Contain $false
        foreach ($hook in $Hooks) {
            (Get-Item -LiteralPath (Join-Path $h $hook)).UnixMode | Should -Be '-rwxr-xr-x'
        }
        (Get-KernelUpdateGuard -Root $h).IsInstalled | Should -BeTrue

        $installed = Get-KmodTreeState $h
        Install-KernelUpdateGuard -Root $h -Promote -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Get-KmodTreeState $h | Should -Be $installed
    }

    It 'other options rewrite the hooks, and Get-KernelUpdateGuard shows them' {
        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $first = Get-Content -Raw -LiteralPath (Join-Path $h $Hooks[0])

        Install-KernelUpdateGuard -Root $h -Repair -Promote -Confirm:$false -WarningAction SilentlyContinue | Out-Null

        $guard = Get-KernelUpdateGuard -Root $h
        $guard.Repair, $guard.Promote, $guard.IsInstalled | Should -Be $true, $true, $true
        Get-Content -Raw -LiteralPath (Join-Path $h $Hooks[0]) | Should -Not -Be $first
    }

    It 'a hook edited by hand is reported as not current, with a warning, and installing again rewrites it' {
        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Add-Content -LiteralPath (Join-Path $h $Hooks[0]) -Value 'echo edited by hand'

        $guard = Get-KernelUpdateGuard -Root $h -WarningVariable warnings -WarningAction SilentlyContinue
        $guard.IsInstalled | Should -BeFalse
        ($guard.Hooks | Where-Object Path -eq $Hooks[0]).IsCurrent | Should -BeFalse
        $warnings | Should -Not -BeNullOrEmpty

        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        (Get-KernelUpdateGuard -Root $h).IsInstalled | Should -BeTrue
    }

    It 'Uninstall -WhatIf keeps the guard; Uninstall leaves the root byte for byte as before the install; again is a no-op' {
        Install-KernelUpdateGuard -Root $h -Promote -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $installed = Get-KmodTreeState $h

        Uninstall-KernelUpdateGuard -Root $h -WhatIf
        Get-KmodTreeState $h | Should -Be $installed

        Uninstall-KernelUpdateGuard -Root $h -Confirm:$false
        Get-KmodTreeState $h | Should -Be $pristine
        (Get-KernelUpdateGuard -Root $h -WarningAction SilentlyContinue).IsInstalled | Should -BeFalse

        Uninstall-KernelUpdateGuard -Root $h -Confirm:$false
        Get-KmodTreeState $h | Should -Be $pristine
    }

    It 'an install killed before it confirmed its record is reported; installing again finishes it, and Uninstall removes it' {
        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        # What a killed install leaves: hooks, and their record still marked pending.
        $state = Join-Path $h 'var/lib/kmodps/guard.json'
        $pending = (Get-Content -Raw -LiteralPath $state) -replace '"installation": \{', '"installation": { "pending": true,'
        Set-Content -LiteralPath $state -Value $pending -NoNewline

        Get-KernelUpdateGuard -Root $h -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings.Message | Should -Match 'was interrupted'

        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Get-Content -Raw -LiteralPath $state | Should -Not -Match 'pending'
        Set-Content -LiteralPath $state -Value $pending -NoNewline

        Uninstall-KernelUpdateGuard -Root $h -Confirm:$false
        Get-KmodTreeState $h | Should -Be $pristine
    }

    It 'a refusal is an error for this root only: the pipeline goes on' {
        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Set-Content -LiteralPath (Join-Path $h $Hooks[0]) -Value "#!/bin/sh`necho mine"
        $other = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario $Scenario).FullName

        $guards = [pscustomobject]@{ Root = $h }, [pscustomobject]@{ Root = $other } |
            Install-KernelUpdateGuard -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'HookPathOccupied,KmodPS.Commands.InstallKernelUpdateGuardCommand'
        $guards.Root | Should -Be $other
        $guards.IsInstalled | Should -BeTrue
    }

    It 'Uninstall leaves a file someone put in place of a hook, and says so' {
        Install-KernelUpdateGuard -Root $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $hook = Join-Path $h $Hooks[0]
        Set-Content -LiteralPath $hook -Value "#!/bin/sh`nexec /usr/local/sbin/site-hook `"`$@`""

        Uninstall-KernelUpdateGuard -Root $h -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        Get-Content -LiteralPath $hook | Should -Contain 'exec /usr/local/sbin/site-hook "$@"'
        $warnings.Message | Should -Match ([regex]::Escape($Hooks[0]))
    }
}

Describe 'What the hooks run: Invoke-KernelUpdateGuard' -Tag Guard, Boot {
    It 'moves the default off a new kernel without its kmod (RolledBack), records the verdict, and a second run keeps it (None)' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $h = (New-KmodTestRoot TestDrive:/rollback -Scenario AlmaNvidiaKmodMissing).FullName
        $before = Get-KmodTreeState $h

        $planned = Invoke-KernelUpdateGuard $k49 -Root $h -WhatIf -WarningAction SilentlyContinue
        $planned.Action, $planned.Applied | Should -Be 'RolledBack', $false
        Get-KmodTreeState $h | Should -Be $before

        $decision = Invoke-KernelUpdateGuard $k49 -Root $h -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $decision.Action, $decision.Applied, $decision.IsHealthy | Should -Be 'RolledBack', $true, $false
        $decision.DefaultBefore, $decision.DefaultAfter | Should -Be $k49, $k41
        $decision.MissingModules | Should -Be 'nvidia (Missing)', 'nvidia_drm (Missing)', 'nvidia_modeset (Missing)', 'nvidia_uvm (Missing)'
        $warnings.Message | Should -Be $decision.Summary
        (Get-InstalledKernel -Root $h | Where-Object IsDefault).KernelVersion | Should -Be $k41
        $guard = Get-KernelUpdateGuard -Root $h -WarningAction SilentlyContinue
        $guard.LastHealthyKernel | Should -Be $k41
        $guard.LastDecision.Action | Should -Be 'RolledBack'

        $grubenv = (Get-FileHash "$h/boot/grub2/grubenv").Hash
        (Invoke-KernelUpdateGuard $k49 -Root $h -Confirm:$false -WarningAction SilentlyContinue).Action | Should -Be 'None'
        (Get-FileHash "$h/boot/grub2/grubenv").Hash | Should -Be $grubenv
    }

    It 'with -Promote, makes the newest kernel the default once it has every module (Get-InstalledKernel | Select-Object -Last 1 | Invoke-KernelUpdateGuard)' {
        Assert-LabTool -Program 'grub2-editenv|grub-editenv'
        $h = (New-KmodTestRoot TestDrive:/promote -Scenario Healthy).FullName
        Set-DefaultKernel $k41 -Root $h -Confirm:$false

        $kept = Get-InstalledKernel -Root $h | Select-Object -Last 1 | Invoke-KernelUpdateGuard -Confirm:$false
        $kept.Action | Should -Be 'None'
        (Get-InstalledKernel -Root $h | Where-Object IsDefault).KernelVersion | Should -Be $k41

        $promoted = Get-InstalledKernel -Root $h | Select-Object -Last 1 | Invoke-KernelUpdateGuard -Promote -Confirm:$false

        $promoted.KernelVersion, $promoted.Action, $promoted.Applied | Should -Be $k45, 'Promoted', $true
        (Get-InstalledKernel -Root $h | Where-Object IsDefault).KernelVersion | Should -Be $k45
    }

    It 'reports a kernel that is not installed as a non-terminating error and goes on with the next input' {
        $h = (New-KmodTestRoot TestDrive:/notfound -Scenario Healthy).FullName
        $decisions = [pscustomobject]@{ KernelVersion = '9.9.9-none' }, [pscustomobject]@{ KernelVersion = $k45 } |
            Invoke-KernelUpdateGuard -Root $h -WhatIf -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -Be 'KernelNotFound,KmodPS.Commands.InvokeKernelUpdateGuardCommand'
        $decisions.KernelVersion | Should -Be $k45
        Test-Path "$h/var/lib/kmodps/guard.json" | Should -BeFalse
    }

    It 'keeps the default when no kernel is healthy, and warns' {
        $h = (New-KmodTestRoot TestDrive:/nohealthy -Scenario DebianDkmsStale).FullName
        $grubenv = (Get-FileHash "$h/boot/grub/grubenv").Hash

        $decision = Invoke-KernelUpdateGuard 6.1.0-56-amd64 -Root $h -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $decision.Action | Should -Be 'NoHealthyKernel'
        $decision.MissingModules | Should -Be 'v4l2loopback (Stale)'
        $warnings.Message | Should -BeLike '*no installed kernel with a boot entry has every module this host needs, so the boot default stays on 6.1.0-56-amd64.'
        (Get-FileHash "$h/boot/grub/grubenv").Hash | Should -Be $grubenv
    }
}
