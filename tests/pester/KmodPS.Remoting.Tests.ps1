#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

<#
Lab test: KmodPS over real PowerShell remoting on SSH (issue 12, item 6).

It starts its own sshd (/usr/sbin/sshd -D -f <temp>/sshd_config) on 127.0.0.1 at a free port, with a fresh host
key, key authentication for root with a fresh client key, and `Subsystem powershell <dotnet> <pwsh.dll> -sshs
-NoProfile` where pwsh.dll is the pwsh pinned in .config/dotnet-tools.json. Then:

- every read cmdlet (and the -WhatIf plans of Repair-KernelModule and Invoke-KernelUpdateGuard, which only read)
  runs in one PSSession that imported ./KmodPS.psd1, against New-KmodTestRoot scenarios, a guarded test root and
  the lab worlds; every property, nested ones included, must equal the same call made locally;
- every example of docs/fleet.md runs as the page shows it. The sshd stands for one fleet host whose
  KmodPS is installed (a KmodPS manifest in the sessions' PSModulePath, `kmodps` on their PATH; both load this
  repository's build) and whose own system is the AlmaNvidiaKmodMissing test root: that installation makes the
  test root the default -Root of the KmodPS cmdlets (ScriptsToProcess). Only the host name and credential parts are
  adapted: ./hosts.txt lists 127.0.0.1; Invoke-Command gets -Port, -UserName, -KeyFilePath and -Options from
  $PSDefaultParameterValues; `ssh` is a function that adds -F <temp>/ssh_config (port, user, key, no known_hosts).
  The Ansible example's command (`-a`) runs on the host over that ssh, as Ansible's command module would.

sshd is stopped by PID (with its session processes) and the temp directory removed in AfterAll, also after a
failure. Without sshd, ssh, ssh-keygen or root, every test is skipped with the reason; KMODPS_LAB=required makes
that a failure. Lab-world cases need a built lab (tests/lab/build.sh) in the same way.
#>

BeforeDiscovery {
    $reads = @(
        @{ Name = 'Get-KernelHost'; Script = 'Get-KernelHost -Root $Root' }
        @{ Name = 'Get-InstalledKernel'; Script = 'Get-InstalledKernel -Root $Root' }
        @{ Name = 'Get-KernelModuleStatus'; Script = 'Get-KernelModuleStatus -Root $Root' }
        @{ Name = 'Test-KernelUpdate -Detailed'; Script = 'Test-KernelUpdate -Root $Root -Detailed' }
        @{ Name = 'Get-KernelLock'; Script = 'Get-KernelLock -Root $Root' }
        @{ Name = 'Get-KernelUpdateGuard'; Script = 'Get-KernelUpdateGuard -Root $Root' }
    )
    # Only on this test's own roots: on a lab world each repository query takes seconds and the answers are flat
    # (a Boolean, text); the dry runs print What if: lines and should never touch the shared worlds.
    $ownOnly = @(
        @{ Name = 'Test-KernelUpdate'; Script = 'Test-KernelUpdate -Root $Root' }
        @{ Name = 'Export-KernelModuleMetrics'; Script = 'Export-KernelModuleMetrics -Root $Root' }
        @{ Name = 'Repair-KernelModule -WhatIf'; Script = 'Repair-KernelModule -Root $Root -WhatIf' }
        # Time is when the verdict was made: the two calls cannot agree on it.
        @{ Name = 'Invoke-KernelUpdateGuard -WhatIf'; Script = 'Get-InstalledKernel -Root $Root | Select-Object -Last 1 | Invoke-KernelUpdateGuard -WhatIf'; Ignore = 'Time' }
    )
    $ownRoots = 'Healthy', 'AlmaNvidiaKmodMissing', 'AlmaNvidiaBeforeUpdate', 'DebianDkmsStale', 'SecureBootUntrusted', 'Guarded'
    $labWorlds = 'debian-dkms', 'debian-grub', 'alma-nvidia-before', 'alma-nvidia-after'
    $cases = @(
        foreach ($root in $ownRoots) { foreach ($c in $reads + $ownOnly) { $c + @{ RootName = $root; Lab = $false } } }
        foreach ($root in $labWorlds) { foreach ($c in $reads) { $c + @{ RootName = $root; Lab = $true } } }
    )

    $fleetPage = Get-Content -Raw "$PSScriptRoot/../../docs/fleet.md"
    $fleetExamples = @(foreach ($block in [regex]::Matches($fleetPage, '(?s)```(powershell|sh|bash)\n(.*?)```')) {
        $section = [regex]::Matches($fleetPage.Substring(0, $block.Index), '(?m)^## (.+)$') | Select-Object -Last 1
        @{ Section = $section.Groups[1].Value; Language = $block.Groups[1].Value; Code = $block.Groups[2].Value }
    })
}

Describe 'KmodPS over PowerShell remoting on SSH' -Tag Lab, Remoting {
    BeforeAll {
        $repo = (Resolve-Path "$PSScriptRoot/../..").Path
        $manifest = Join-Path $repo 'KmodPS.psd1'
        Import-Module $manifest -Force
        Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
        $labDir = if ($env:KMODPS_LAB_DIR) { $env:KMODPS_LAB_DIR } else { '/tmp/kmodps-lab' }
        $required = $env:KMODPS_LAB -eq 'required'

        function Get-SkipReason {
            $missing = @(
                if (-not (Test-Path /usr/sbin/sshd)) { '/usr/sbin/sshd (openssh-server)' }
                foreach ($tool in 'ssh', 'ssh-keygen') { if (-not (Get-Command $tool -CommandType Application -ErrorAction Ignore)) { "$tool (openssh-client)" } }
            )
            if ($missing) { return "$($missing -join ', ') missing (run 'sudo tests/lab/install.sh')" }
            if ((& id -u) -ne '0') { return 'not root: the test starts sshd and logs in as root over SSH' }
        }

        function Get-PinnedPwsh {
            $version = (Get-Content -Raw "$repo/.config/dotnet-tools.json" | ConvertFrom-Json).tools.powershell.version
            $dll = Get-Item "$(Get-NuGetPackageRoot)/powershell/$version/tools/*/any/unix/pwsh.dll" -ErrorAction Ignore | Select-Object -First 1
            if (-not $dll) { throw "pwsh $version (.config/dotnet-tools.json) is not restored: run 'dotnet tool restore'" }
            $dll.FullName
        }

        function Get-Runner {
            $runner = Get-Item "$repo/src/KmodPS.Host/bin/*/net10.0/KmodPS.Runner.dll" -ErrorAction Ignore | Sort-Object LastWriteTimeUtc | Select-Object -Last 1
            if (-not $runner) { throw "no built runner under src/KmodPS.Host/bin: run 'dotnet build KmodPS.sln'" }
            $runner.FullName
        }

        # Single quotes for sh, so paths with spaces or quotes survive the generated scripts.
        function ConvertTo-ShellWord([string] $Text) { "'" + $Text.Replace("'", "'\''") + "'" }

        function Get-FreePort {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
        }

        function Start-Sshd {
            # sshd insists on its privilege separation directory; systemd would make it. It is left in place:
            # another run's sshd may need it.
            if (-not (Test-Path /run/sshd)) { & mkdir -m 0755 /run/sshd }
            foreach ($attempt in 1..3) {
                $port = Get-FreePort
                $config = @(
                    "ListenAddress 127.0.0.1:$port"
                    "HostKey $Temp/ssh_host_ed25519_key"
                    "PidFile $Temp/sshd.pid"
                    "AuthorizedKeysFile $Temp/authorized_keys"
                    # The key files live under /tmp, which is world-writable: StrictModes would refuse them.
                    'StrictModes no'
                    'PermitRootLogin prohibit-password'
                    'PubkeyAuthentication yes'
                    'PasswordAuthentication no'
                    'KbdInteractiveAuthentication no'
                    'UsePAM no'
                    # The fleet host's installation: KmodPS in PSModulePath, kmodps on PATH.
                    "SetEnv PSModulePath=$Temp/host/modules PATH=$Temp/host/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                    "Subsystem powershell $Dotnet $PinnedPwsh -sshs -NoProfile"
                )
                Set-Content "$Temp/sshd_config" $config
                & /usr/sbin/sshd -t -f "$Temp/sshd_config"
                if ($LASTEXITCODE -ne 0) { throw "sshd rejected $Temp/sshd_config" }
                $start = [System.Diagnostics.ProcessStartInfo]::new('/usr/sbin/sshd')
                foreach ($a in '-D', '-E', "$Temp/sshd.log", '-f', "$Temp/sshd_config") { $start.ArgumentList.Add($a) }
                $process = [System.Diagnostics.Process]::Start($start)
                $deadline = [datetime]::UtcNow.AddSeconds(15)
                while (-not $process.HasExited -and [datetime]::UtcNow -lt $deadline) {
                    $client = [System.Net.Sockets.TcpClient]::new()
                    try { $client.Connect('127.0.0.1', $port); return $process, $port } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
                }
                if (-not $process.HasExited) { $process.Kill($true) }
                # Another process may have taken the port between Get-FreePort and sshd's bind: try another.
            }
            throw "sshd did not start: $(Get-Content -Raw "$Temp/sshd.log" -ErrorAction Ignore)"
        }

        function New-FleetHost {
            # This host's own system: the incident, with its not-ready kernels.
            $null = New-KmodTestRoot -Path "$Temp/host/root" -Scenario AlmaNvidiaKmodMissing
            $null = New-Item -ItemType Directory "$Temp/host/modules/KmodPS", "$Temp/host/bin"
            Set-Content "$Temp/host/root.ps1" "`$global:PSDefaultParameterValues['*Kernel*:Root'] = '$($Temp.Replace("'", "''"))/host/root'"
            # The repository's manifest with absolute paths into this build, plus the default root.
            $hostManifest = "$Temp/host/modules/KmodPS/KmodPS.psd1"
            (Get-Content -Raw $manifest).Replace("'module/", "'$($repo.Replace("'", "''"))/module/") -replace
                '(?m)^(\s*)RootModule\b', "`$1ScriptsToProcess = @('$($Temp.Replace("'", "''"))/host/root.ps1')`n`$0" |
                Set-Content $hostManifest
            $derived = Import-PowerShellDataFile $hostManifest
            if (-not $derived.ScriptsToProcess -or -not (Test-Path $derived.RootModule)) { throw "cannot derive the fleet host's manifest from $manifest" }
            Set-Content "$Temp/host/bin/kmodps" "#!/bin/sh`nexec $(ConvertTo-ShellWord $Dotnet) $(ConvertTo-ShellWord $Runner) --module $(ConvertTo-ShellWord "$Temp/host/modules/KmodPS/KmodPS.psd1") `"`$@`""
            & chmod 0755 "$Temp/host/bin/kmodps"
        }

        function New-GuardedRoot([string] $Path) {
            $null = New-KmodTestRoot -Path $Path -Scenario AlmaNvidiaKmodMissing
            $null = Install-KernelUpdateGuard -Root $Path -WarningAction SilentlyContinue
            $null = Invoke-KernelUpdateGuard -Root $Path -KernelVersion 5.14.0-611.49.1.el9_7.x86_64 -WarningAction SilentlyContinue
            $null = New-Item -ItemType Directory -Force "$Path/etc/dnf/plugins"
            Set-Content "$Path/etc/dnf/plugins/versionlock.list" 'kernel-core-0:5.14.0-611.41.1.el9_7.*'
        }

        # Plain values for comparison: a deserialized copy and the live object must give the same tree.
        function ConvertTo-Comparable($Value, [string[]] $Ignore = @()) {
            if ($null -eq $Value) { return $null }
            if ($Value -is [enum] -or $Value.pstypenames -contains 'Deserialized.System.Enum') { return [string]$Value }
            if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
            if ($Value -is [string] -or $Value.GetType().IsPrimitive) { return $Value.PSObject.BaseObject }
            if ($Value -is [System.Collections.IEnumerable]) {
                $items = [System.Collections.Generic.List[object]]::new()
                foreach ($item in $Value) { $items.Add((ConvertTo-Comparable $item)) }
                return , $items
            }
            $tree = [ordered]@{ '(type)' = $Value.pstypenames[0] -replace '^Deserialized\.' }
            foreach ($p in $Value.PSObject.Properties) {
                if ($p.Name -notin 'PSComputerName', 'RunspaceId', 'PSShowComputerName' -and $p.Name -notin $Ignore) {
                    $tree[$p.Name] = ConvertTo-Comparable $p.Value
                }
            }
            $tree
        }

        function ConvertTo-ComparableJson($Objects, [string[]] $Ignore) {
            ConvertTo-Json -Depth 32 -InputObject @(foreach ($o in $Objects) { , (ConvertTo-Comparable $o $Ignore) })
        }

        function Get-Root([string] $Name, [bool] $Lab) {
            if (-not $Lab) { return "$Temp/roots/$Name" }
            if (-not (Test-Path "$labDir/.built")) {
                $reason = "no built lab in $labDir (run 'sudo tests/lab/build.sh')"
                if ($required) { throw "KMODPS_LAB=required, but $reason" }
                Set-ItResult -Skipped -Because "$reason; set KMODPS_LAB=required to fail instead of skipping"
            }
            Join-Path $labDir $Name
        }

        $SkipReason = Get-SkipReason
        if ($SkipReason -and $required) { throw "KMODPS_LAB=required, but $SkipReason" }
        if ($SkipReason) { $SkipReason += '; set KMODPS_LAB=required to fail instead of skipping'; return }

        # Setup steps must not fail quietly; the tests themselves run with the usual preferences.
        $ErrorActionPreference = 'Stop'
        $PSNativeCommandUseErrorActionPreference = $true
        $Dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $PinnedPwsh = Get-PinnedPwsh
        $Runner = Get-Runner
        $Temp = (& mktemp -d /tmp/kmodps-remoting.XXXXXXXX)
        & ssh-keygen -q -t ed25519 -N '' -C kmodps-remoting-host -f "$Temp/ssh_host_ed25519_key"
        & ssh-keygen -q -t ed25519 -N '' -C kmodps-remoting-client -f "$Temp/client_key"
        Copy-Item "$Temp/client_key.pub" "$Temp/authorized_keys"
        foreach ($scenario in 'Healthy', 'AlmaNvidiaKmodMissing', 'AlmaNvidiaBeforeUpdate', 'DebianDkmsStale', 'SecureBootUntrusted') {
            $null = New-KmodTestRoot -Path "$Temp/roots/$scenario" -Scenario $scenario
        }
        New-GuardedRoot "$Temp/roots/Guarded"
        New-FleetHost
        $Sshd, $Port = Start-Sshd

        $SshOptions = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; BatchMode = 'yes'; LogLevel = 'ERROR' }
        $Connection = @{ HostName = '127.0.0.1'; Port = $Port; UserName = 'root'; KeyFilePath = "$Temp/client_key"; Options = $SshOptions }
        $Session = New-PSSession @Connection -ConnectingTimeout 60000
        Invoke-Command -Session $Session { Import-Module $using:manifest -ErrorAction Stop }
        $RemoteTypes = [System.Collections.Generic.HashSet[string]]::new()
        $ErrorActionPreference = 'Continue'
        $PSNativeCommandUseErrorActionPreference = $false
    }

    AfterAll {
        if ($Session) { Remove-PSSession $Session }
        if ($Sshd -and -not $Sshd.HasExited) {
            # The sessions' processes (pwsh -sshs, the runner) are sshd's children: stop them with it.
            $Sshd.Kill($true)
            $null = $Sshd.WaitForExit(10000)
        }
        if ($Temp -and (Test-Path $Temp)) { Remove-Item -Recurse -Force $Temp }
    }

    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    Context 'every read cmdlet gives the same objects remotely as locally' {
        It '<Name> on <RootName>' -ForEach $cases {
            $root = Get-Root $RootName $Lab
            $command = [scriptblock]::Create("[CmdletBinding()] param(`$Root) `$WarningPreference = 'SilentlyContinue'; $Script")
            $local = & $command $root -ErrorAction SilentlyContinue -ErrorVariable localErrors
            $remote = Invoke-Command -Session $Session -ScriptBlock $command -ArgumentList $root -ErrorAction SilentlyContinue -ErrorVariable remoteErrors
            foreach ($o in $remote) { $null = $RemoteTypes.Add(($o.pstypenames[0] -replace '^Deserialized\.')) }
            ConvertTo-ComparableJson $remote $Ignore | Should -BeExactly (ConvertTo-ComparableJson $local $Ignore)
            $remoteErrors.FullyQualifiedErrorId | Should -Be $localErrors.FullyQualifiedErrorId
        }
    }

    Context 'nested objects' {
        It 'Test-KernelUpdate -Detailed keeps its Problems, as docs/fleet.md reads them' {
            $checks = Invoke-Command -Session $Session { Test-KernelUpdate -Root "$using:Temp/roots/AlmaNvidiaKmodMissing" -Detailed -Quiet }
            $checks.Problems.Module | Sort-Object -Unique | Should -Be 'nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm'
            $checks[0].Problems[0].pstypenames[0] | Should -Be 'Deserialized.KmodPS.Core.Models.KernelUpdateProblem'
            ($checks | Format-Table | Out-String -Width 300) | Should -Match 'nvidia, nvidia_drm, nvidia_modeset, nvidia_uvm'
        }

        It 'Get-KernelUpdateGuard keeps its hooks and the last decision' {
            $guard = Invoke-Command -Session $Session { Get-KernelUpdateGuard -Root "$using:Temp/roots/Guarded" }
            $guard.Hooks[0].Path | Should -Be '/etc/kernel/install.d/95-kmodps.install'
            $guard.LastDecision.Action | Should -Be 'RolledBack'
            $guard.LastDecision.MissingModules | Should -Contain 'nvidia (Missing)'
        }

        It 'Repair-KernelModule keeps the status it read back' {
            $results = Invoke-Command -Session $Session { Repair-KernelModule -Root "$using:Temp/roots/AlmaNvidiaKmodMissing" -WhatIf -ErrorAction SilentlyContinue }
            $results.Status.State | Sort-Object -Unique | Should -Be 'Missing'
        }

        It 'every KmodPS output type came back from the remote session' {
            $declared = Get-Command -Module KmodPS | ForEach-Object OutputType | ForEach-Object Type | Where-Object Namespace -eq 'KmodPS.Core.Models' | ForEach-Object FullName
            $declared | Sort-Object -Unique | Where-Object { -not $RemoteTypes.Contains($_) } | Should -BeNullOrEmpty
        }
    }

    Context 'docs/fleet.md examples' {
        It '<Section> (<Language>)' -ForEach $fleetExamples {
            $expected = @(Test-KernelUpdate -Root "$Temp/host/root" -Detailed -Quiet | Where-Object { -not $_.Ready })
            $expected | Should -Not -BeNullOrEmpty
            $modules = ($expected.Problems.Module | Sort-Object -Unique) -join ', '
            Set-Content "$Temp/hosts.txt" '127.0.0.1'
            $sshConfig = @('Host 127.0.0.1', "  Port $Port", '  User root', "  IdentityFile $Temp/client_key", '  IdentitiesOnly yes') +
                @($SshOptions.GetEnumerator() | ForEach-Object { "  $($_.Key) $($_.Value)" })
            Set-Content "$Temp/ssh_config" $sshConfig
            Push-Location $Temp
            try {
                switch -Regex ($Code) {
                    'Invoke-Command' {
                        $PSDefaultParameterValues = @{}
                        foreach ($p in 'Port', 'UserName', 'KeyFilePath', 'Options') { $PSDefaultParameterValues["Invoke-Command:$p"] = $Connection[$p] }
                        $output = @(. ([scriptblock]::Create($Code)))
                        $output | Should -HaveCount 1
                        $output[0].Host | Should -Be '127.0.0.1'
                        $output[0].Kernels | Should -Be ($expected.KernelVersion -join ', ')
                        $output[0].Modules | Should -Be $modules
                        $modules | Should -Match 'nvidia'
                        break
                    }
                    '\bssh\b' {
                        function ssh { & (Get-Command ssh -CommandType Application)[0] -F "$Temp/ssh_config" @args }
                        $text = . ([scriptblock]::Create($Code)) | Out-String -Width 300
                        foreach ($kernel in $expected) { $text | Should -Match "127\.0\.0\.1\s+$([regex]::Escape($kernel.KernelVersion))\s+$($kernel.Source)" }
                        ($results.Problems.Module | Sort-Object -Unique) -join ', ' | Should -Be $modules
                        break
                    }
                    'ansible .* -a "([^"]+)"' {
                        $json = & (Get-Command ssh -CommandType Application)[0] -F "$Temp/ssh_config" 127.0.0.1 $Matches[1]
                        $LASTEXITCODE | Should -Be 0 -Because 'with -Detailed, readiness is in the JSON, not the exit code'
                        $checks = $json | ConvertFrom-Json
                        $checks.KernelVersion | Should -Be $expected.KernelVersion
                        ($checks.Problems.Module | Sort-Object -Unique) -join ', ' | Should -Be $modules
                        break
                    }
                    default { throw "docs/fleet.md has an example this test does not know how to run (teach KmodPS.Remoting.Tests.ps1):`n$Code" }
                }
            }
            finally {
                Pop-Location
            }
        }
    }
}
