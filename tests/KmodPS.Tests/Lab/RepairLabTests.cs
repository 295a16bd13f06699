using System.Management.Automation;
using System.Management.Automation.Runspaces;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Repair-KernelModule against copies of the lab worlds with the real tools: dkms inside the chroot-able
/// debian-chroot world (real builds), dnf repoquery on the AlmaLinux worlds.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class RepairLabTests : IDisposable
{
    private static readonly string K = LabEnvironment.DebianKernel;
    private static readonly string KOld = LabEnvironment.DebianOldKernel;
    private const string Alma41 = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Alma45 = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Alma49 = "5.14.0-611.49.1.el9_7.x86_64";
    private const string BrokenLog = "/var/lib/dkms/lab-broken/1.0/build/make.log";

    private readonly LabWorlds _lab;
    private readonly Session _ps = new();
    private readonly List<string> _copies = new();
    private readonly LabWorldCopy _chroots = new();

    public RepairLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.ForEach(c => Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", c));
        _chroots.Dispose();
    }

    [LabFact]
    public void AnUnprivilegedUserIsRefusedBeforeDkmsRuns()
    {
        // The world is not copied: the refusal must come before anything in it changes.
        var root = _lab.Dir("debian-chroot");
        var before = StateFingerprint(root);
        var (exit, _, stderr) = RunnerProcess.RunAsNobody("Repair-KernelModule", "-Root", root, "-Confirm:$false", "-WarningAction", "SilentlyContinue");
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Contains("[RootRequired,KmodPS.Commands.RepairKernelModuleCommand]", stderr);
        Assert.Equal(before, StateFingerprint(root));
    }

    [LabFact]
    public void RepairsStaleAndMissingWithRealDkmsInsideTheRootAndReportsTheBrokenBuild()
    {
        var root = CopyChrootWorld();
        var before = StateFingerprint(root);

        var whatIf = _ps.Run("Repair-KernelModule -Root $root -WhatIf", root);
        Assert.Empty(whatIf.Output);
        Assert.Empty(whatIf.Errors);
        // What if: lines go to the host; the runner has one.
        var (exit, shown, _) = RunnerProcess.Run("Repair-KernelModule", "-Root", root, "-WhatIf", "-WarningAction", "SilentlyContinue");
        Assert.Equal(0, exit);
        // One What if per module/version and kernel, naming it as the target and listing every command it would run.
        var whatIfLines = shown.ReplaceLineEndings(string.Empty);
        Assert.Contains($"What if: Performing the operation \"Repair:  run unshare --mount --propagation private --mount-proc={root}/proc -- chroot {root} "
            + $"/usr/sbin/dkms build --force -m v4l2loopback -v 0.12.7 -k {K}  run unshare ", whatIfLines);
        Assert.Contains($"/usr/sbin/dkms install --force -m v4l2loopback -v 0.12.7 -k {K}\" on target \"v4l2loopback/0.12.7 on {K}\".", whatIfLines);
        Assert.Contains($"/usr/sbin/dkms install -m v4l2loopback -v 0.12.7 -k {KOld}", whatIfLines);
        Assert.Equal(before, StateFingerprint(root));

        var run = _ps.Run("Repair-KernelModule -Root $root -Confirm:$false -Verbose", root);
        var results = run.Output.Select(o => (RepairResult)o.BaseObject).ToList();
        Assert.Equal(new[] { ("lab_broken", KOld), ("v4l2loopback", KOld), ("lab_broken", K), ("v4l2loopback", K) }, results.Select(r => (r.Name, r.KernelVersion)));

        var stale = results.Single(r => r.Name == "v4l2loopback" && r.KernelVersion == K);
        Assert.Equal((RepairOutcome.Repaired, ModuleState.Installed, 0), (stale.Outcome, stale.Status!.State, stale.ExitCode!.Value));
        Assert.Equal(new[] { "build --force -m v4l2loopback -v 0.12.7 -k " + K, "install --force -m v4l2loopback -v 0.12.7 -k " + K },
            stale.Commands.Select(c => c[(c.IndexOf("/usr/sbin/dkms ", StringComparison.Ordinal) + "/usr/sbin/dkms ".Length)..]));
        Assert.Equal($"/var/lib/dkms/v4l2loopback/0.12.7/{K}/x86_64/log/make.log", stale.MakeLogPath);

        var missing = results.Single(r => r.Name == "v4l2loopback" && r.KernelVersion == KOld);
        Assert.Equal((RepairOutcome.Repaired, ModuleState.Installed, "0.12.7"), (missing.Outcome, missing.Status!.State, missing.ModuleVersion));
        Assert.EndsWith($"/usr/sbin/dkms install -m v4l2loopback -v 0.12.7 -k {KOld}", Assert.Single(missing.Commands));

        foreach (var broken in results.Where(r => r.Name == "lab_broken"))
        {
            Assert.Equal((RepairOutcome.Failed, 10, "build failed"), (broken.Outcome, broken.ExitCode!.Value, broken.Meaning));
            Assert.Equal(BrokenLog, broken.MakeLogPath);
            Assert.Contains($"DKMS make.log for lab-broken-1.0 for kernel {broken.KernelVersion}", broken.MakeLogTail);
            Assert.Equal(ModuleState.Added, broken.Status!.State);
        }
        Assert.Equal(2, run.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("DkmsBuildFailed,", StringComparison.Ordinal)));
        Assert.True(File.Exists(root + BrokenLog));

        // dkms's own output streamed to the verbose stream, progress per module and kernel.
        Assert.Contains(run.Verbose, l => l.StartsWith("Running: unshare --mount --propagation private --mount-proc=", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, l => l == "> Building module:");
        Assert.Contains(run.Verbose, l => l.StartsWith("> Signing module /var/lib/dkms/v4l2loopback/0.12.7/build/v4l2loopback.ko", StringComparison.Ordinal));
        Assert.Contains(run.Progress, p => p.StatusDescription.StartsWith($"v4l2loopback/0.12.7 on {K} (", StringComparison.Ordinal));
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);

        // The oracle: dkms itself, run inside the root, and the module files.
        var status = Shell.Stdout(ChrootScript, "run", root, "/usr/sbin/dkms", "status");
        Assert.Contains($"v4l2loopback/0.12.7, {K}, x86_64: installed", status);
        Assert.Contains($"v4l2loopback/0.12.7, {KOld}, x86_64: installed", status);
        Assert.Contains("lab-broken/1.0: added", status);
        Assert.StartsWith(KOld + " ", Shell.Stdout("modinfo", "-F", "vermagic", Path.Combine(root, $"usr/lib/modules/{KOld}/updates/dkms/v4l2loopback.ko")));
        Assert.DoesNotContain(root, File.ReadAllText("/proc/mounts"));

        // Read back: only the broken module is left; piping the problems repairs only it (and fails again).
        var problems = _ps.Run("Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue | ForEach-Object { $_.Name + ' ' + $_.KernelVersion + ' ' + $_.State }", root);
        Assert.Equal(new[] { $"lab_broken {KOld} Added", $"lab_broken {K} Added" }, problems.Output.Select(o => o.ToString()));
        var again = _ps.Run("Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue | Repair-KernelModule -Confirm:$false -ErrorAction SilentlyContinue", root);
        Assert.Equal(new[] { ("lab_broken", RepairOutcome.Failed), ("lab_broken", RepairOutcome.Failed) }, again.Output.Select(o => (RepairResult)o.BaseObject).Select(r => (r.Name, r.Outcome)));
        var named = _ps.Run("Repair-KernelModule -Root $root -Name v4l2loopback -Confirm:$false", root);
        Assert.All(named.Output.Select(o => (RepairResult)o.BaseObject), r => Assert.Equal(RepairOutcome.NothingToDo, r.Outcome));
        Assert.Equal(2, named.Output.Count);
    }

    [LabFact]
    public void HeaderlessKernelsAndBareRootsAreBlockedWithoutRunningDkms()
    {
        // debian-dkms is a file tree (no bash inside) with headers for K only: nothing may run there.
        var world = _lab.Dir("debian-dkms");
        var result = _ps.Run("Repair-KernelModule -Root $root -Name v4l2loopback -WhatIf", world);
        var results = result.Output.Select(o => (RepairResult)o.BaseObject).ToList();
        var headerless = results.Single(r => r.KernelVersion == KOld);
        Assert.Equal(RepairOutcome.Blocked, headerless.Outcome);
        Assert.StartsWith($"headers not installed for {KOld}", headerless.Message);
        Assert.Empty(headerless.Commands);
        Assert.Null(headerless.ExitCode);
        var bare = results.Single(r => r.KernelVersion == K);
        Assert.Equal(RepairOutcome.Blocked, bare.Outcome);
        Assert.Contains("not its interpreter /bin/bash", bare.Message);
        // A preview that cannot run is an answer, not a failure; without -WhatIf each blocked pair is also an error.
        Assert.Empty(result.Errors);
        var run = _ps.Run("Repair-KernelModule -Root $root -Name v4l2loopback -Confirm:$false", world);
        Assert.Equal(results.Select(r => (r.KernelVersion, r.Outcome, r.Message)), run.Output.Select(o => (RepairResult)o.BaseObject).Select(r => (r.KernelVersion, r.Outcome, r.Message)));
        Assert.Equal(2, run.Errors.Count);
        Assert.Contains(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("HeadersNotInstalled,", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("DkmsNotFound,", StringComparison.Ordinal) && (e.TargetObject is RepairResult or PSObject { BaseObject: RepairResult }));
        Assert.All(run.Output.Select(o => (RepairResult)o.BaseObject), r => Assert.Empty(r.Commands));
    }

    [LabFact]
    public void MissingKmodPackageThatNoRepositoryHasSaysExactlyWhatIsMissing()
    {
        var root = CopyAlmaWorld("alma-nvidia-after", repository: null);
        var result = _ps.Run("Repair-KernelModule -Root $root -Confirm:$false", root);
        var results = result.Output.Select(o => (RepairResult)o.BaseObject).ToList();
        Assert.Equal(8, results.Count);
        Assert.All(results, r => Assert.Equal((RepairOutcome.Blocked, ModuleProvider.KmodPackage), (r.Outcome, r.Provider)));
        Assert.Contains(results, r => r.Name == "nvidia" && r.KernelVersion == Alma45 && r.Message == $"kmod-nvidia-open for {Alma45} is not in any enabled repository");
        Assert.Contains(results, r => r.Name == "nvidia_drm" && r.KernelVersion == Alma49 && r.Message == $"kmod-nvidia-open for {Alma49} is not in any enabled repository");
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("KmodPackageNotFound,", StringComparison.Ordinal));
    }

    [LabFact]
    public void ASameNamedKmodThatWouldReplaceTheWorkingKernelsModuleIsNotInstalled()
    {
        var root = CopyAlmaWorld("alma-nvidia-after", repository: "alma-repo-fixed");
        var rpmBefore = Rpm(root);
        var result = _ps.Run("Repair-KernelModule -Root $root -Name nvidia -Confirm:$false", root);
        var results = result.Output.Select(o => (RepairResult)o.BaseObject).ToList();
        Assert.Equal(new[] { (Alma41, RepairOutcome.NothingToDo), (Alma45, RepairOutcome.Skipped), (Alma49, RepairOutcome.Skipped) },
            results.Select(r => (r.KernelVersion, r.Outcome)));
        Assert.All(results.Skip(1), r => Assert.Contains($"remove nvidia from {Alma41}", r.Message));
        Assert.Equal(rpmBefore, Rpm(root));
    }

    [LabFact]
    public void AnInstallOnlyKmodForTheNewKernelsIsInstalledWithRealDnfInsideTheRoot()
    {
        var root = CopyAlmaWorld("alma-nvidia-after", repository: "alma-repo-fixed");
        // As an admin would: make the per-kernel kmod install-only so that dnf keeps the 611.41.1 one.
        File.AppendAllText(Path.Combine(root, "etc/dnf/dnf.conf"), "installonlypkgs=kmod-nvidia-open\n");
        var result = _ps.Run("Repair-KernelModule -Root $root -Name nvidia -Confirm:$false -Verbose", root);
        Assert.Empty(result.Errors);
        var results = result.Output.Select(o => (RepairResult)o.BaseObject).ToList();
        Assert.Equal(new[] { (Alma41, RepairOutcome.NothingToDo), (Alma45, RepairOutcome.Repaired), (Alma49, RepairOutcome.Repaired) },
            results.Select(r => (r.KernelVersion, r.Outcome)));
        var repaired = results[1];
        Assert.Equal("kmod-nvidia-open-595.58.03-1.el9_7.611_45_1_el9_7.x86_64", repaired.Package);
        Assert.Equal(new[] { "dnf", "install", "-y", "--installroot", root, $"--setopt=reposdir={root}/etc/yum.repos.d", "--releasever=9", "--noplugins", repaired.Package },
            repaired.Commands.Single().Split(' '));
        Assert.Equal(ModuleState.Installed, repaired.Status!.State);
        Assert.Contains(result.Verbose, l => l.StartsWith("> Installing", StringComparison.Ordinal) || l.StartsWith("> Installed:", StringComparison.Ordinal));
        var kmods = Rpm(root).Split('\n').Where(p => p.StartsWith("kmod-nvidia-open-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, kmods.Count);
        Assert.True(File.Exists(Path.Combine(root, $"lib/modules/{Alma41}/extra/nvidia-open/nvidia.ko")));
    }

    private static string ChrootScript => Path.Combine(LabEnvironment.LabScripts, "lib", "chroot-world.sh");

    private string CopyChrootWorld()
    {
        var world = _lab.Dir("debian-chroot");
        Assert.True(Directory.Exists(world), $"{world} is missing: tests/lab/build.sh builds it (needs debootstrap: tests/lab/install.sh)");
        return _chroots.CopyChroot(world);
    }

    private string CopyAlmaWorld(string name, string? repository)
    {
        var copy = NewCopyPath(name);
        Shell.Stdout("cp", "-a", _lab.Dir(name), copy);
        if (repository is not null)
        {
            var repo = Path.Combine(copy, "etc/yum.repos.d/lab.repo");
            File.WriteAllText(repo, File.ReadAllText(repo).Replace($"file://{_lab.Dir("alma-repo")}\n", $"file://{_lab.Dir(repository)}\n", StringComparison.Ordinal));
            Shell.Stdout("rm", "-rf", Path.Combine(copy, "var/cache/dnf"));
        }
        return copy;
    }

    private string NewCopyPath(string world)
    {
        var copy = Path.Combine(LabEnvironment.Directory, $".copy-{world}-{Guid.NewGuid():N}");
        _copies.Add(copy);
        return copy;
    }

    private static string Rpm(string root) =>
        string.Join('\n', Shell.Stdout("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    // Names, sizes and times of everything dkms or depmod could touch.
    private static string StateFingerprint(string root) =>
        string.Join('\n', new[] { "var/lib/dkms", $"usr/lib/modules/{K}", $"usr/lib/modules/{KOld}" }
            .SelectMany(d => Directory.EnumerateFileSystemEntries(Path.Combine(root, d), "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(p => !p.Contains("/kernel/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is var f && f.Exists ? $"{p} {f.Length} {f.LastWriteTimeUtc.Ticks}" : p));

    /// <summary>A runspace with the module imported that also keeps the verbose and progress streams.</summary>
    private sealed class Session : IDisposable
    {
        private readonly Runspace _runspace;

        public Session()
        {
            _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            _runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript($"Import-Module '{RepoPaths.Manifest}' -ErrorAction Stop").Invoke();
        }

        public Result Run(string script, string root)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            _runspace.SessionStateProxy.SetVariable("root", root);
            ps.AddScript(script);
            var output = ps.Invoke();
            return new Result(output.ToList(), ps.Streams.Error.ToList(), ps.Streams.Verbose.Select(v => v.Message).ToList(), ps.Streams.Progress.ToList());
        }

        public void Dispose() => _runspace.Dispose();
    }

    private sealed record Result(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Verbose, List<ProgressRecord> Progress);
}
