using System.Security.Cryptography;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Lock-Kernel, Unlock-Kernel and Get-KernelLock against copies of the lab worlds, with the real dnf, rpm,
/// apt-mark, apt-cache and dpkg as oracles. Worlds are copied (cp -a) before anything changes them; the host's
/// own lock files are compared byte for byte before and after.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class KernelLockLabTests : IDisposable
{
    private const string Good = "5.14.0-611.41.1.el9_7";
    private const string HostLockList = "/etc/dnf/plugins/versionlock.list";
    private static readonly string[] GoodSubpackages = { "kernel", "kernel-core", "kernel-devel", "kernel-modules", "kernel-modules-core" };

    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly List<string> _copies = new();

    public KernelLockLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        foreach (var copy in _copies)
        {
            Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", copy);
        }
    }

    [LabFact]
    public void PinLocksEveryInstalledSubpackageInTheRootsListAndNeverTouchesTheHostsList()
    {
        var world = Copy("alma-nvidia-after");
        var hostBefore = HostListBytes();
        var result = Run($"Lock-Kernel {Good}.x86_64 -Root $root -PassThru", world);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        var installed = Shell.Stdout("rpm", "--root", world, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.EndsWith(" " + Good, StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).Order().ToList();
        Assert.Equal(GoodSubpackages, installed);
        var listed = DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
        Assert.Equal(installed.Select(n => $"{n}-0:{Good}.*"), listed);
        Assert.Equal(5, result.Output.Count);
        Assert.All(result.Output, o => Assert.True((bool)o.Properties["IsKmodPS"].Value));
        Assert.Equal(hostBefore, HostListBytes());

        var list = File.ReadAllBytes(Path.Combine(world, "etc/dnf/plugins/versionlock.list"));
        var again = Run($"Lock-Kernel {Good} -Root $root -Verbose 4>&1", world);
        Assert.Empty(again.Errors);
        Assert.Contains(again.Output, o => o.ToString().Contains("already locked"));
        Assert.Equal(list, File.ReadAllBytes(Path.Combine(world, "etc/dnf/plugins/versionlock.list")));
        Assert.Equal(hostBefore, HostListBytes());
    }

    [LabFact]
    public void ARootWithoutALockListGetsOneFirst()
    {
        var world = Copy("alma-nvidia-after");
        File.Delete(Path.Combine(world, "etc/dnf/plugins/versionlock.list"));
        var result = Run("Lock-Kernel -Exclude 5.14.0-611.49.1.el9_7 -Root $root", world);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        Assert.Equal("!kernel*-5.14.0-611.49.1.el9_7.*", DnfWorld(world, "-q", "versionlock", "list").Output.Trim());
    }

    [LabFact]
    public void APinnedKernelIsNoLongerOfferedTheNewerReleases()
    {
        var world = Copy("alma-nvidia-before");
        var missing = Run("Lock-Kernel 5.14.0-611.45.1.el9_7.x86_64 -Root $root", world);
        var notFound = Assert.Single(missing.Errors);
        Assert.Equal(("KernelNotFound,KmodPS.Commands.LockKernelCommand", "5.14.0-611.45.1.el9_7.x86_64"), (notFound.FullyQualifiedErrorId, notFound.TargetObject));
        var before = DnfWorld(world, "-C", "-q", "check-update");
        Assert.Equal(100, before.ExitCode);
        Assert.Contains("5.14.0-611.49.1.el9_7", before.Output);
        Assert.Empty(Run($"Lock-Kernel {Good} -Root $root", world).Errors);
        var after = DnfWorld(world, "-C", "-q", "check-update");
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.DoesNotContain("611.49.1", after.Output);
        Assert.Contains("Nothing to do", DnfWorld(world, "-C", "--assumeno", "upgrade").Output);
        var install = DnfWorld(world, "-C", "--assumeno", "install", "kernel-5.14.0-611.45.1.el9_7");
        Assert.NotEqual(0, install.ExitCode);
        Assert.Contains("filtered out by exclude filtering", install.Output);
    }

    [LabFact]
    public void ExcludeBlocksOnlyTheNamedRelease()
    {
        var world = Copy("alma-nvidia-before");
        var offered = DnfWorld(world, "-C", "--assumeno", "install", "kernel-5.14.0-611.45.1.el9_7");
        Assert.Contains("kernel-core", offered.Output);
        Assert.DoesNotContain("filtered out", offered.Output);
        var result = Run("Lock-Kernel -Exclude 5.14.0-611.45.1.el9_7.x86_64 -Root $root", world);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        Assert.Equal("!kernel*-5.14.0-611.45.1.el9_7.*", DnfWorld(world, "-q", "versionlock", "list").Output.Trim());
        var blocked = DnfWorld(world, "-C", "--assumeno", "install", "kernel-5.14.0-611.45.1.el9_7");
        Assert.Contains("All matches were filtered out by exclude filtering for argument: kernel-5.14.0-611.45.1.el9_7", blocked.Output);
        var updates = DnfWorld(world, "-C", "-q", "check-update");
        Assert.Equal(100, updates.ExitCode);
        Assert.Contains("kernel-core.x86_64", updates.Output);
        Assert.Contains("5.14.0-611.49.1.el9_7", updates.Output);
        var locks = Run("Get-KernelLock -Root $root", world).Output;
        var exclude = Assert.Single(locks);
        Assert.Equal((KernelLockKind.Exclude, "5.14.0-611.45.1.el9_7", true), ((KernelLockKind)exclude.Properties["Kind"].Value, (string)exclude.Properties["KernelVersion"].Value, (bool)exclude.Properties["IsKmodPS"].Value));
    }

    [LabFact]
    public void UnlockRestoresTheExactPreviousListAndKeepsOtherLocks()
    {
        var world = Copy("alma-nvidia-after");
        var list = Path.Combine(world, "etc/dnf/plugins/versionlock.list");
        const string Original = "# pinned by the admin before KmodPS\nkmod-nvidia-open-0:595.58.03-1.el9_7.*\n!kernel-core-0:5.14.0-611.9.1.el9_7.*";
        File.Delete(list);
        File.WriteAllText(list, Original);
        var hostBefore = HostListBytes();
        Assert.Empty(Run($"Lock-Kernel {Good}.x86_64 -Root $root", world).Errors);
        Assert.Empty(Run("Lock-Kernel -Exclude 5.14.0-611.45.1.el9_7 -Root $root", world).Errors);
        Assert.Equal(8, DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var removed = Run("Unlock-Kernel -Root $root -PassThru", world);
        Assert.True(removed.Errors.Count == 0, string.Join("\n", removed.Errors));
        Assert.Equal(6, removed.Output.Count);
        Assert.Equal(Original, File.ReadAllText(list));
        Assert.Equal(new[] { "kmod-nvidia-open-0:595.58.03-1.el9_7.*", "!kernel-core-0:5.14.0-611.9.1.el9_7.*" },
            DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var again = Run("Unlock-Kernel -Root $root -Verbose 4>&1", world);
        Assert.Empty(again.Errors);
        Assert.Contains(again.Output, o => o.ToString().Contains("nothing to unlock"));
        Assert.Equal(Original, File.ReadAllText(list));
        var hand = Run("Unlock-Kernel -All -Root $root", world);
        Assert.Empty(hand.Errors);
        Assert.Equal("# pinned by the admin before KmodPS\nkmod-nvidia-open-0:595.58.03-1.el9_7.*\n", File.ReadAllText(list));
        Assert.Equal(hostBefore, HostListBytes());
    }

    [LabFact]
    public void UnlockAllSucceedsWithADuplicatedKmodPSLineAndKeepsTheAdminsOtherLines()
    {
        var world = Copy("alma-nvidia-after");
        var list = Path.Combine(world, "etc/dnf/plugins/versionlock.list");
        const string Original = "# pinned by the admin before KmodPS\nbash-0:5.1.8-9.el9.*\n";
        File.Delete(list);
        File.WriteAllText(list, Original);
        Assert.Empty(Run($"Lock-Kernel {Good}.x86_64 -Root $root", world).Errors);
        // A copy of one KmodPS line, as a hand edit or a second tool would leave it, and an admin's note after it.
        File.AppendAllText(list, $"kernel-core-0:{Good}.*\n# an admin's note\n");
        Assert.Equal(6, DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n').Count(l => l.StartsWith("kernel", StringComparison.Ordinal)));

        var result = Run("Unlock-Kernel -All -Root $root -PassThru", world);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        // One object per removed line, as Get-KernelLock showed them.
        Assert.Equal(new[] { "kernel", "kernel-core", "kernel-core", "kernel-devel", "kernel-modules", "kernel-modules-core" },
            result.Output.Select(o => (string)o.Properties["Package"].Value).Order());
        Assert.Equal(Original + "# an admin's note\n", File.ReadAllText(list));
        Assert.Equal("bash-0:5.1.8-9.el9.*", DnfWorld(world, "-q", "versionlock", "list").Output.Trim());
        Assert.Empty(Run("Get-KernelLock -Root $root", world).Output);
        Assert.DoesNotContain("kernel", File.ReadAllText(Path.Combine(world, "var/lib/kmodps/locks.json")));
    }

    [LabFact]
    public void UnlockRemovesEveryCopyOfItsOwnLinesAndOnlyThose()
    {
        var world = Copy("alma-nvidia-after");
        var list = Path.Combine(world, "etc/dnf/plugins/versionlock.list");
        const string Original = "# pinned by the admin before KmodPS\nbash-0:5.1.8-9.el9.*\n";
        File.Delete(list);
        File.WriteAllText(list, Original);
        Assert.Empty(Run($"Lock-Kernel {Good}.x86_64 -Root $root", world).Errors);
        // Hand edits after the lock: the admin's own exclude of a KmodPS-pinned NEVRA (foreign, a different line),
        // an exact copy of a KmodPS line and a copy with the blanks the plugin strips.
        const string Foreign = $"\n# mine\n!kernel-core-0:{Good}.*\n";
        File.AppendAllText(list, Foreign + $"kernel-0:{Good}.*\n  kernel-modules-0:{Good}.* \t\n");
        Assert.Equal(9, DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var result = Run("Unlock-Kernel -Root $root -PassThru", world);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        Assert.Equal(new[] { "kernel", "kernel", "kernel-core", "kernel-devel", "kernel-modules", "kernel-modules", "kernel-modules-core" },
            result.Output.Select(o => (string)o.Properties["Package"].Value).Order());
        Assert.Equal(Original + Foreign, File.ReadAllText(list));
        Assert.Equal(new[] { "bash-0:5.1.8-9.el9.*", $"!kernel-core-0:{Good}.*" },
            DnfWorld(world, "-q", "versionlock", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var left = Assert.Single(Run("Get-KernelLock -Root $root", world).Output);
        Assert.Equal((KernelLockKind.Exclude, false), ((KernelLockKind)left.Properties["Kind"].Value, (bool)left.Properties["IsKmodPS"].Value));
    }

    [LabFact]
    public void WhatIfChangesNothingInTheWholeTree()
    {
        var world = Copy("alma-nvidia-after");
        var tree = TreeHash(world);
        foreach (var command in new[] { $"Lock-Kernel {Good}.x86_64 -Root $root -WhatIf", "Lock-Kernel -Exclude 5.14.0-611.49.1.el9_7 -Root $root -WhatIf", "Unlock-Kernel -All -Root $root -WhatIf" })
        {
            Assert.Empty(Run(command, world).Errors);
            Assert.Equal(tree, TreeHash(world));
        }
        Assert.Empty(Run($"Lock-Kernel {Good} -Root $root", world).Errors);
        var locked = TreeHash(world);
        Assert.NotEqual(tree, locked);
        Assert.Empty(Run("Unlock-Kernel -Root $root -WhatIf", world).Errors);
        Assert.Empty(Run("Unlock-Kernel -All -Root $root -WhatIf", world).Errors);
        Assert.Equal(locked, TreeHash(world));

        var debian = DebianRoot();
        var debianTree = TreeHash(debian);
        Assert.Empty(Run($"Lock-Kernel {LabEnvironment.DebianKernel} -Root $root -WhatIf", debian).Errors);
        Assert.Empty(Run($"Lock-Kernel -Exclude {LabEnvironment.DebianNextKernel} -Root $root -WhatIf", debian).Errors);
        Assert.Equal(debianTree, TreeHash(debian));
    }

    [LabFact]
    public void WhatIfPrintsTheExactCommands()
    {
        var world = Copy("alma-nvidia-after");
        var (exit, stdout, stderr) = RunnerProcess.Run($"Lock-Kernel {Good}.x86_64 -Root '{world}' -WhatIf");
        Assert.True(exit == 0, stderr);
        // One confirmation per kernel, naming it, with every step (issue 13's confirmation rule).
        Assert.StartsWith($"What if: Performing the operation \"Lock kernel {Good}.x86_64 (pin its installed packages) under {world}:", stdout.TrimStart());
        Assert.Contains($"\" on target \"{Good}.x86_64\".", stdout);
        Assert.Contains($"locklist = {world}/etc/dnf/plugins/versionlock.list", stdout);
        foreach (var name in GoodSubpackages)
        {
            Assert.Contains($"--enableplugin=versionlock '--disablerepo=*' --setopt=exit_on_lock=True -q versionlock add {name}-0:{Good}.x86_64\n", stdout);
        }
        Assert.Contains($"record the change in {world}/var/lib/kmodps/locks.json", stdout);
        Assert.False(Directory.Exists(Path.Combine(world, "var/lib/kmodps")));
    }

    [LabFact]
    public void DebianHoldsTheReleaseAndItsMetapackagesAsAptMarkShows()
    {
        var root = DebianRoot();
        var hostStatus = File.ReadAllBytes("/var/lib/dpkg/status");
        Assert.Equal(string.Empty, AptMark(root, "showhold"));
        var result = Run($"Lock-Kernel {LabEnvironment.DebianKernel} -Root $root -PassThru", root);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        var expected = new[] { $"linux-headers-{LabEnvironment.DebianKernel}", $"linux-headers-{LabEnvironment.DebianKernel[..^"-amd64".Length]}-common", "linux-headers-amd64", $"linux-image-{LabEnvironment.DebianKernel}", "linux-image-amd64" };
        Assert.Equal(expected, AptMark(root, "showhold").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var selections = Shell.Stdout("dpkg", "--root=" + root, "--get-selections").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.EndsWith("hold", StringComparison.Ordinal)).Select(l => l.Split('\t')[0].Split(':')[0]).Order();
        Assert.Equal(expected, selections);
        Assert.Equal(hostStatus, File.ReadAllBytes("/var/lib/dpkg/status"));
        var locks = Run("Get-KernelLock -Root $root", root);
        Assert.Equal(5, locks.Output.Count);
        Assert.All(locks.Output, o => Assert.Equal((KernelLockKind.Hold, true, "apt-mark"), ((KernelLockKind)o.Properties["Kind"].Value, (bool)o.Properties["IsKmodPS"].Value, (string)o.Properties["Source"].Value)));
        Assert.True(KernelLockReader.IsLocked(new KernelLockReader(new DirectorySystemRoot(root)).Read().Items, $"{LabEnvironment.DebianKernel}"));

        Assert.Empty(Run($"Unlock-Kernel {LabEnvironment.DebianKernel} -Root $root", root).Errors);
        Assert.Equal(string.Empty, AptMark(root, "showhold"));
        Assert.Equal(hostStatus, File.ReadAllBytes("/var/lib/dpkg/status"));
    }

    [LabFact]
    public void DebianExcludeTakesAwayTheCandidateOfThatAbiOnly()
    {
        var root = DebianRoot();
        var abis = Enumerable.Range(40, 16).Select(n => $"6.1.0-{n}-amd64").ToList();
        var policy = Shell.Stdout("apt-cache", new[] { "-o", "Dir=" + root, "policy" }.Concat(abis.Select(a => "linux-image-" + a)).ToArray());
        var available = abis.Where(a => policy.Contains($"linux-image-{a}:\n  Installed: (none)\n  Candidate: 6", StringComparison.Ordinal)).ToList();
        Assert.True(available.Count >= 2, "the Debian archive offers fewer than two older ABIs:\n" + policy);
        var (excluded, other) = (available[^1], available[^2]);
        Assert.Empty(Run($"Lock-Kernel -Exclude {excluded} -Root $root", root).Errors);
        Assert.Contains($"linux-image-{excluded}:\n  Installed: (none)\n  Candidate: (none)", Policy(root, excluded));
        Assert.Contains($"linux-headers-{excluded}:\n  Installed: (none)\n  Candidate: (none)", Shell.Stdout("apt-cache", "-o", "Dir=" + root, "policy", "linux-headers-" + excluded));
        Assert.Contains($"linux-image-{other}:\n  Installed: (none)\n  Candidate: 6", Policy(root, other));
        Assert.Empty(Run("Unlock-Kernel -Root $root", root).Errors);
        Assert.Contains($"linux-image-{excluded}:\n  Installed: (none)\n  Candidate: 6", Policy(root, excluded));
        Assert.False(File.Exists(Path.Combine(root, "etc/apt/preferences.d/kmodps-kernel-exclude.pref")));
    }

    [LabFact]
    public void AnotherDnfHoldingItsLockStopsLockKernelWithNothingChanged()
    {
        var world = Copy("alma-nvidia-after");
        var list = Path.Combine(world, "etc/dnf/plugins/versionlock.list");
        var before = File.ReadAllBytes(list);
        using var other = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            Directory.CreateDirectory(Path.Combine(world, "var/cache/dnf"));
            File.WriteAllText(Path.Combine(world, "var/cache/dnf/metadata_lock.pid"), other.Id.ToString());
            var result = Run($"Lock-Kernel {Good} -Root $root", world);
            var error = Assert.Single(result.Errors);
            Assert.Equal("PackageManagerLocked,KmodPS.Commands.LockKernelCommand", error.FullyQualifiedErrorId);
            Assert.Equal(Good, error.TargetObject);
            Assert.Contains("retry", error.ErrorDetails.RecommendedAction, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(before, File.ReadAllBytes(list));

            // The real dnf, run without KmodPS's pre-check, exits 200 and is classified the same way.
            var snapshot = new LockSnapshotReader(new DirectorySystemRoot(world), new ProcessCommandRunner()).Read(new DiagnosticLog(), readPackages: true);
            var command = (KmodPS.Core.Changes.CommandChange)LockPlanner.Pin(snapshot, Good).Steps[0];
            Directory.CreateDirectory(snapshot.TemporaryDirectory);
            command.TemporaryFiles.ToList().ForEach(f => File.WriteAllText(f.Path, f.Content));
            var dnf = new ProcessCommandRunner().Run(command.Request);
            Directory.Delete(snapshot.TemporaryDirectory, recursive: true);
            Assert.Equal(200, dnf.ExitCode);
            Assert.Equal("PackageManagerLocked", LockBackends.Dnf4.Classify(dnf, Good).ErrorId);
            Assert.Equal(before, File.ReadAllBytes(list));
        }
        finally
        {
            other.Kill();
        }
    }

    [LabFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void ADpkgLockHeldByAnotherProcessIsPackageManagerLocked()
    {
        var root = DebianRoot();
        var status = File.ReadAllBytes(Path.Combine(root, "var/lib/dpkg/status"));
        using (var frontend = new FileStream(Path.Combine(root, "var/lib/dpkg/lock-frontend"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            frontend.Lock(0, 1);
            var result = Run($"Lock-Kernel {LabEnvironment.DebianKernel} -Root $root", root);
            var error = Assert.Single(result.Errors);
            Assert.Equal("PackageManagerLocked,KmodPS.Commands.LockKernelCommand", error.FullyQualifiedErrorId);
            frontend.Unlock(0, 1);
        }
        Assert.Equal(status, File.ReadAllBytes(Path.Combine(root, "var/lib/dpkg/status")));
        Assert.Equal(string.Empty, AptMark(root, "showhold"));
    }

    [LabFact]
    public void IsLockedTellsWhichInstalledKernelIsPinned()
    {
        var world = Copy("alma-nvidia-after");
        Assert.Empty(Run($"Lock-Kernel {Good} -Root $root", world).Errors);
        var root = new DirectorySystemRoot(world);
        var locks = new KernelLockReader(root).Read(new DiagnosticLog()).Items;
        var kernels = new KmodPS.Core.Hosts.InstalledKernelReader(root).Read().Items;
        Assert.Equal(new[] { (Good + ".x86_64", true), ("5.14.0-611.45.1.el9_7.x86_64", false), ("5.14.0-611.49.1.el9_7.x86_64", false) },
            kernels.Select(k => (k.KernelVersion, KernelLockReader.IsLocked(locks, k.KernelVersion))));
    }

    private PowerShellSession.Result Run(string script, string root) =>
        _ps.Run(script, new Dictionary<string, object?> { ["root"] = root });

    private string Copy(string world)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"kmodps-lock-{world}-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", _lab.Dir(world), copy);
        _copies.Add(copy);
        return copy;
    }

    // A minimal Debian root made from debian-dkms: its configuration, dpkg database and apt lists (not its 1 GB of kernels).
    private string DebianRoot()
    {
        var source = _lab.Dir("debian-dkms");
        var copy = Path.Combine(Path.GetTempPath(), $"kmodps-lock-debian-{Guid.NewGuid():N}");
        _copies.Add(copy);
        foreach (var directory in new[] { "var/lib", "var/cache/apt", "var/log/apt", "usr/lib" })
        {
            Directory.CreateDirectory(Path.Combine(copy, directory));
        }
        Shell.Stdout("cp", "-a", Path.Combine(source, "etc"), copy);
        Shell.Stdout("cp", "-a", Path.Combine(source, "usr/lib/os-release"), Path.Combine(copy, "usr/lib/"));
        Shell.Stdout("cp", "-a", Path.Combine(source, "var/lib/dpkg"), Path.Combine(source, "var/lib/apt"), Path.Combine(copy, "var/lib/"));
        return copy;
    }

    private static string AptMark(string root, string verb) => Shell.Stdout("apt-mark", "-o", "Dir=" + root, verb).Trim();

    private static string Policy(string root, string abi) => Shell.Stdout("apt-cache", "-o", "Dir=" + root, "policy", "linux-image-" + abi);

    private static (int ExitCode, string Output) DnfWorld(string world, params string[] arguments) =>
        Shell.Run(Path.Combine(LabEnvironment.LabScripts, "lib", "dnf-world.sh"), TimeSpan.FromMinutes(3), new[] { world }.Concat(arguments).ToArray());

    private static byte[]? HostListBytes() => File.Exists(HostLockList) ? File.ReadAllBytes(HostLockList) : null;

    // Every directory, link target and file content of a tree.
    private static string TreeHash(string root)
    {
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                lines.Add($"L {relative} -> {target}");
            }
            else if (Directory.Exists(path))
            {
                lines.Add($"D {relative}");
            }
            else
            {
                using var stream = File.OpenRead(path);
                lines.Add($"F {relative} {Convert.ToHexString(SHA256.HashData(stream))}");
            }
        }
        return string.Join('\n', lines);
    }
}
