#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Lock-Kernel, Unlock-Kernel and Get-KernelLock as a runbook uses them. The locks are made by the host's own tools
# pointed at the test root (apt-mark -o Dir=<root>, dnf --installroot with the root's versionlock list), so these
# cases need apt-mark or dnf with its versionlock plugin: without them they are skipped (failed with KMODPS_LAB=required).

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repo/KmodPS.psd1" -Force
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $versionlockPlugin = '/usr/lib*/python3*/*-packages/dnf-plugins/versionlock.py'

    # What a hold made by hand (apt-mark hold, or dpkg --set-selections) leaves in the dpkg status file.
    function Set-HandMadeHold([string] $Root, [string] $Package) {
        $status = Join-Path $Root 'var/lib/dpkg/status'
        [IO.File]::WriteAllText($status, ([IO.File]::ReadAllText($status) -replace "(?m)(^Package: $([regex]::Escape($Package))\nStatus: )install", '${1}hold'))
    }
}

Describe 'Pin a Debian kernel: Lock-Kernel, Get-KernelLock, Unlock-Kernel' -Tag Locks {
    BeforeEach {
        $h = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario DebianDkmsStale).FullName
        $hostStatus = if (Test-Path /var/lib/dpkg/status) { (Get-FileHash /var/lib/dpkg/status).Hash }
    }

    It '-WhatIf changes nothing, under the root or on this host' {
        Assert-LabTool -Program apt-mark
        $before = Get-KmodTreeState $h

        Lock-Kernel 6.1.0-56-amd64 -Root $h -WhatIf

        Get-KmodTreeState $h | Should -Be $before
        Get-KernelLock -Root $h | Should -BeNullOrEmpty
    }

    It 'holds the kernel''s packages inside the root: Get-KernelLock and Get-InstalledKernel show the lock, the host''s dpkg is untouched' {
        Assert-LabTool -Program apt-mark

        $out = Lock-Kernel 6.1.0-56-amd64 -Root $h -Confirm:$false -PassThru -Verbose 4>&1
        $locks = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = $out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        $locks.Package | Should -Be 'linux-headers-6.1.0-56-amd64', 'linux-image-6.1.0-56-amd64'
        $locks.Kind | Sort-Object -Unique | Should -Be 'Hold'
        $verbose.Message | Should -Contain "Running: apt-mark -o Dir=$h -o DPkg::Options::=--root=$h hold linux-headers-6.1.0-56-amd64 linux-image-6.1.0-56-amd64"
        $read = Get-KernelLock -Root $h
        $read.Package | Should -Be $locks.Package
        $read.IsKmodPS | Should -Be $true, $true
        (Get-InstalledKernel -Root $h | Where-Object IsLocked).KernelVersion | Should -Be '6.1.0-56-amd64'
        if ($hostStatus) { (Get-FileHash /var/lib/dpkg/status).Hash | Should -Be $hostStatus }
    }

    It 'locks what the pipeline names (Get-InstalledKernel | Where-Object HasHeaders | Lock-Kernel), and a second run changes nothing' {
        Assert-LabTool -Program apt-mark

        Get-InstalledKernel -Root $h | Where-Object HasHeaders | Lock-Kernel -Confirm:$false
        $after = Get-KmodTreeState $h
        $verbose = Get-InstalledKernel -Root $h | Where-Object HasHeaders | Lock-Kernel -Confirm:$false -Verbose 4>&1

        (Get-InstalledKernel -Root $h | Get-KernelLock).KernelVersion | Sort-Object -Unique | Should -Be '6.1.0-56-amd64'
        $verbose.Message -join "`n" | Should -Match 'already locked .*nothing to do'
        Get-KmodTreeState $h | Should -Be $after
    }

    It 'Unlock-Kernel removes exactly what Lock-Kernel added and keeps a hold made by hand; -All removes that too' {
        Assert-LabTool -Program apt-mark
        Set-HandMadeHold $h linux-image-6.1.0-55-amd64
        Lock-Kernel 6.1.0-56-amd64 -Root $h -Confirm:$false
        $locked = Get-KmodTreeState $h

        Unlock-Kernel -Root $h -WhatIf
        Get-KmodTreeState $h | Should -Be $locked

        (Unlock-Kernel -Root $h -Confirm:$false -PassThru).Package | Should -Be 'linux-headers-6.1.0-56-amd64', 'linux-image-6.1.0-56-amd64'
        $left = Get-KernelLock -Root $h
        $left.Package | Should -Be 'linux-image-6.1.0-55-amd64'
        $left.IsKmodPS | Should -BeFalse

        $unlocked = Get-KmodTreeState $h
        (Unlock-Kernel -Root $h -Confirm:$false -Verbose 4>&1).Message -join "`n" | Should -Match 'nothing to unlock'
        Get-KmodTreeState $h | Should -Be $unlocked

        Unlock-Kernel -All -Root $h -Confirm:$false
        Get-KernelLock -Root $h | Should -BeNullOrEmpty
        Get-InstalledKernel -Root $h | Where-Object IsLocked | Should -BeNullOrEmpty
    }

    It 'keeps a future release out with an apt preference (-Exclude) that Unlock-Kernel deletes again' {
        Assert-LabTool -Program apt-mark
        $preference = Join-Path $h 'etc/apt/preferences.d/kmodps-kernel-exclude.pref'

        Lock-Kernel -Exclude 6.1.0-57-amd64 -Root $h -Confirm:$false

        Get-Content $preference | Should -Contain 'Package: linux-*-6.1.0-57-amd64*'
        Get-Content $preference | Should -Contain 'Pin-Priority: -1'
        $exclude = Get-KernelLock -Root $h
        $exclude.Kind | Should -Be 'Exclude'
        $exclude.IsKmodPS | Should -BeTrue

        Unlock-Kernel 6.1.0-57-amd64 -Root $h -Confirm:$false
        Test-Path $preference | Should -BeFalse
        Get-KernelLock -Root $h | Should -BeNullOrEmpty
    }
}

Describe 'Keep broken AlmaLinux releases out: dnf versionlock in the root' -Tag Locks {
    BeforeEach {
        $h = (New-KmodTestRoot (Join-Path $TestDrive (New-Guid)) -Scenario AlmaNvidiaBeforeUpdate).FullName
    }

    It 'excludes the releases Test-KernelUpdate finds not ready; twice is once; Unlock-Kernel lifts them' {
        Assert-LabTool -Program dnf -File $versionlockPlugin
        $hostList = if (Test-Path /etc/dnf/plugins/versionlock.list) { (Get-FileHash /etc/dnf/plugins/versionlock.list).Hash }
        $bad = Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object { -not $_.Ready } | ForEach-Object KernelVersion
        $before = Get-KmodTreeState $h

        Lock-Kernel -Exclude $bad -Root $h -WhatIf
        Get-KmodTreeState $h | Should -Be $before

        Lock-Kernel -Exclude $bad -Root $h -Confirm:$false
        $excludes = Get-KernelLock -Root $h
        $excludes.Entry | Should -Be '!kernel*-5.14.0-611.45.1.el9_7.*', '!kernel*-5.14.0-611.49.1.el9_7.*'
        $excludes.Kind | Sort-Object -Unique | Should -Be 'Exclude'
        Get-Content "$h/etc/dnf/plugins/versionlock.list" | Should -Contain '!kernel*-5.14.0-611.49.1.el9_7.*'
        if ($hostList) { (Get-FileHash /etc/dnf/plugins/versionlock.list).Hash | Should -Be $hostList }

        $excluded = Get-KmodTreeState $h
        Lock-Kernel -Exclude $bad -Root $h -Confirm:$false
        Get-KmodTreeState $h | Should -Be $excluded

        Unlock-Kernel -Root $h -Confirm:$false
        Get-KernelLock -Root $h | Should -BeNullOrEmpty
    }

    It 'after the excludes, the gate before the update passes, with a warning naming the held-back kernels' {
        Assert-LabTool -Program dnf -File $versionlockPlugin
        $bad = Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object { -not $_.Ready } | ForEach-Object KernelVersion
        Lock-Kernel -Exclude $bad -Root $h -Confirm:$false
        Test-KernelUpdate -Root $h -WarningVariable held -WarningAction SilentlyContinue | Should -BeTrue
        $held | Where-Object { "$_" -like '*holds back every new kernel*' -and "$_" -like '*!kernel*-5.14.0-611.49.1.el9_7.*' } | Should -Not -BeNullOrEmpty
        (Test-KernelUpdate -Root $h -Detailed -Quiet | Where-Object HeldBackBy).KernelVersion | Should -Be '5.14.0-611.45.1.el9_7.x86_64', '5.14.0-611.49.1.el9_7.x86_64'
    }

    It 'a pin needs the rpm database a files-only root does not have: PackageDatabaseUnavailable, and nothing is written, not even by -WhatIf' {
        $before = Get-KmodTreeState $h

        { Lock-Kernel 5.14.0-611.41.1.el9_7 -Root $h -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'PackageDatabaseUnavailable,KmodPS.Commands.LockKernelCommand'
        { Lock-Kernel 5.14.0-611.41.1.el9_7 -Root $h -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'PackageDatabaseUnavailable,KmodPS.Commands.LockKernelCommand'

        Get-KmodTreeState $h | Should -Be $before
    }
}
