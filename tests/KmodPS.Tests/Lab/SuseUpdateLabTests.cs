using System.Text.Json;
using System.Text.RegularExpressions;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Test-KernelUpdate on the SUSE world (tests/lab/lib/suse.sh): a real KMP module built for the installed
/// kernel-default, a repository whose 23.30.1 keeps every symbol version and whose 23.33.1 changes one the module
/// imports, and the real zypper. The kernels it says the update installs are those <c>zypper update --dry-run</c>
/// installs, and the runbook loop (test, lock, test again) converges.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class SuseUpdateLabTests : IDisposable
{
    private const string Installed = "6.4.0-150600.23.25-default";
    private const string Compatible = "6.4.0-150600.23.30-default";
    private const string Broken = "6.4.0-150600.23.33-default";

    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly LabWorldCopy _copies = new();

    public SuseUpdateLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.Dispose();
    }

    [LabFact]
    public void TheUpdateInstallsWhatZypperInstallsAndAKabiBreakMakesItFalse()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        Assert.Equal(new[] { Broken }, ZypperInstalls(world));
        var detailed = Run(world, "Test-KernelUpdate -Detailed");
        var checks = detailed.Output.Select(o => (KernelUpdateCheck)o.BaseObject).ToList();
        Assert.Equal(new[] { Compatible, Broken }, checks.Select(c => c.KernelVersion));
        Assert.Equal(ZypperInstalls(world), checks.Where(c => c.UpdateInstalls).Select(c => c.KernelVersion));
        // 23.30.1 keeps every symbol version the module imports: weak-modules2 would link it (not installed by this update).
        var compatible = checks.Single(c => c.KernelVersion == Compatible);
        Assert.Empty(compatible.Problems);
        Assert.False(compatible.Decides);
        var broken = checks.Single(c => c.KernelVersion == Broken);
        var problem = Assert.Single(broken.Problems);
        Assert.Equal("v4l2loopback", problem.Module);
        Assert.Matches(@"__fentry__ [0-9a-f]{8} -> [0-9a-f]{8}", problem.Reason);
        Assert.Contains("kernel-default-6.4.0-150600.23.33.1.x86_64", broken.Installs);
        Assert.False(Bool(world).Value);
    }

    [LabFact]
    public void ExcludingTheBrokenKernelLetsZypperInstallTheCompatibleOneAndTheAnswerIsTrue()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        var locked = Run(world, $"Lock-Kernel -Exclude {Broken} -Confirm:$false");
        Assert.True(locked.Errors.Count == 0, string.Join("\n", locked.Errors));
        Assert.Contains("kernel-default = 6.4.0-150600.23.33.1", File.ReadAllText(Path.Combine(world, "etc/zypp/locks")).Replace("version: == ", "kernel-default = "), StringComparison.Ordinal);
        Assert.Equal(new[] { Compatible }, ZypperInstalls(world));

        var (value, warnings) = Bool(world);
        Assert.True(value);
        Assert.Contains(warnings, w => w.Contains($"holds back newer kernels: {Broken} by 'kernel-default = 6.4.0-150600.23.33.1' in /etc/zypp/locks (added ", StringComparison.Ordinal));
        var checks = Run(world, "Test-KernelUpdate -Detailed").Output.Select(o => (KernelUpdateCheck)o.BaseObject).ToList();
        Assert.Equal(ZypperInstalls(world), checks.Where(c => c.UpdateInstalls).Select(c => c.KernelVersion));
        // The exposure stays visible to monitoring: one held-back kernel, and the update is ready.
        var metrics = Path.Combine(Path.GetTempPath(), $"kmodps-suse-{Guid.NewGuid():N}.prom");
        try
        {
            var exported = _ps.Run("Export-KernelModuleMetrics -Root $root -Path $file -WarningAction SilentlyContinue", new Dictionary<string, object?> { ["root"] = world, ["file"] = metrics });
            Assert.True(exported.Errors.Count == 0, string.Join("\n", exported.Errors));
            var lines = File.ReadAllLines(metrics);
            Assert.Contains("kmodps_held_back_kernels 1", lines);
            Assert.Contains("kmodps_update_ready 1", lines);
        }
        finally
        {
            File.Delete(metrics);
        }

        var unlocked = Run(world, "Unlock-Kernel -Confirm:$false");
        Assert.True(unlocked.Errors.Count == 0, string.Join("\n", unlocked.Errors));
        Assert.Equal(new[] { Broken }, ZypperInstalls(world));
    }

    /// <summary>The exclude loop of about_KmodPS_Runbooks, with -Root and a bound on its rounds.</summary>
    public const string ExcludeLoop = """
        $rounds = 0
        while (-not (Test-KernelUpdate -Root $root -Quiet)) {
            if (++$rounds -gt 5) { throw 'the loop does not converge' }
            $broken = Test-KernelUpdate -Root $root -Detailed | Where-Object { $_.UpdateInstalls -and -not $_.Ready }
            if (-not $broken) { throw 'not ready, and not because of a kernel the update installs' }
            $broken | ForEach-Object { Lock-Kernel -Exclude $_.KernelVersion -Root $root -Confirm:$false }
        }
        $rounds
        """;

    [LabFact]
    public void TheRunbookExcludeLoopConvergesOnTheNewestCompatibleKernel()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        var loop = _ps.Run(ExcludeLoop, new Dictionary<string, object?> { ["root"] = world });
        Assert.True(loop.Errors.Count == 0 && loop.Terminating is null, string.Join("\n", loop.Errors.Select(e => e.ToString()).Append(loop.Terminating?.ToString())));
        Assert.Equal(1, Convert.ToInt32(Assert.Single(loop.Output).BaseObject));
        Assert.Equal(new[] { Compatible }, ZypperInstalls(world));
        Assert.True(Bool(world).Value);
    }

    [LabFact]
    public void PinningTheInstalledKernelHoldsEveryNewOneBackAndTheAnswerIsTrue()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        var locked = Run(world, $"Lock-Kernel {Installed} -Confirm:$false");
        Assert.True(locked.Errors.Count == 0, string.Join("\n", locked.Errors));
        Assert.Empty(ZypperInstalls(world));
        var (value, warnings) = Bool(world);
        Assert.True(value);
        Assert.Contains(warnings, w => w.Contains($"holds back every new kernel: {Compatible}, {Broken} by", StringComparison.Ordinal));
    }

    [LabFact]
    public void WithoutMultiversionZypperUpgradesInPlaceToTheNewestKernelTheKmpStillFits()
    {
        // The installed kernel goes, so the KMP's ksym requirements must hold on the new one: zypper's solver picks
        // 23.30.1 over 23.33.1 by itself, and the check follows it rather than a model of it.
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        File.Delete(Path.Combine(world, "etc/zypp/zypp.conf"));
        Assert.Equal(new[] { Compatible }, ZypperInstalls(world));
        var detailed = Run(world, "Test-KernelUpdate -Detailed");
        var checks = detailed.Output.Select(o => (KernelUpdateCheck)o.BaseObject).ToList();
        Assert.Equal(new[] { Compatible }, checks.Where(c => c.UpdateInstalls).Select(c => c.KernelVersion));
        Assert.Contains("kernel-default-6.4.0-150600.23.25.1.x86_64", checks.Single(c => c.KernelVersion == Installed).Removes);
        Assert.Contains(detailed.Warnings, w => w.Contains($"the update removes {Installed}: zypper upgrades the kernel in place", StringComparison.Ordinal));
        Assert.Contains(detailed.Warnings, w => w.Contains($"holds back newer kernels: {Broken} by zypper's solver", StringComparison.Ordinal));
        Assert.True(Bool(world).Value);
    }

    [LabFact]
    public void ABrokenRepositoryIsFalse()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        foreach (var repo in Directory.GetFiles(Path.Combine(world, "etc/zypp/repos.d"), "*.repo"))
        {
            File.WriteAllText(repo, Regex.Replace(File.ReadAllText(repo), "baseurl=.*", "baseurl=file:///nonexistent/kmodps-broken-repo"));
        }
        Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", Path.Combine(world, "var/cache/zypp"));
        var result = Run(world, "Test-KernelUpdate -Quiet");
        Assert.False((bool)Assert.Single(result.Output).BaseObject);
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("PackageQueryFailed", StringComparison.Ordinal));
    }

    [LabFact]
    public void AsNobodyOnAWorldReadableRootZypperReadsTheRootsCacheAndWritesNothingThere()
    {
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        Shell.Stdout("chmod", "-R", "a+rX", world);
        var scratch = RunnerProcess.NobodysTemporaryDirectories();
        foreach (var offline in new[] { string.Empty, " -Offline" })
        {
            var (exit, stdout, stderr) = RunnerProcess.RunAsNobody("--json", $"Test-KernelUpdate -Root '{world}' -Detailed -Quiet{offline}");
            Assert.True(exit == 0, stderr);
            var checks = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
            Assert.Equal(new[] { Broken }, checks.Where(c => c.GetProperty("UpdateInstalls").GetBoolean()).Select(c => c.GetProperty("KernelVersion").GetString()));
            Assert.Contains(checks, c => c.GetProperty("KernelVersion").GetString() == Broken && !c.GetProperty("Ready").GetBoolean());
        }
        Assert.Empty(Shell.Stdout("find", world, "-uid", "65534"));
        // zypper's scratch directory (ZYPPTMPDIR) was KmodPS's own, and is gone.
        Assert.Equal(scratch, RunnerProcess.NobodysTemporaryDirectories());
    }

    [LabFact]
    public void ACacheLinkOutOfTheRootStopsZypperBeforeItRuns()
    {
        // zypper --root follows the root's links as host paths: its cache would be refreshed into this host's directory.
        var world = _copies.Copy(_lab.Dir("suse-kmp"));
        var outside = Directory.CreateTempSubdirectory("kmodps-suse-outside-").FullName;
        try
        {
            Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", Path.Combine(world, "var/cache/zypp"));
            File.CreateSymbolicLink(Path.Combine(world, "var/cache/zypp"), outside);
            var result = Run(world, "Test-KernelUpdate -Quiet");
            Assert.False((bool)Assert.Single(result.Output).BaseObject);
            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("PathOutsideRoot", StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    /// <summary>The kernel releases the real <c>zypper update --dry-run</c> installs (kernel-default solvables of its summary).</summary>
    private static List<string> ZypperInstalls(string world)
    {
        var (exit, output) = Shell.Run("zypper", TimeSpan.FromMinutes(3), "--root", world, "--non-interactive", "--xmlout", "update", "--dry-run");
        Assert.True(exit == 0, $"zypper update --dry-run failed ({exit}):\n{output}");
        return KernelSolvable().Matches(output).Select(m => $"{m.Groups["v"].Value}-{m.Groups["r"].Value[..m.Groups["r"].Value.LastIndexOf('.')]}-default").Order().ToList();
    }

    private PowerShellSession.Result Run(string root, string command) =>
        _ps.Run($"{command} -Root $root", new Dictionary<string, object?> { ["root"] = root });

    private (bool Value, List<string> Warnings) Bool(string root)
    {
        var result = Run(root, "Test-KernelUpdate");
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return ((bool)Assert.Single(result.Output).BaseObject, result.Warnings);
    }

    [GeneratedRegex(@"<solvable type=""package"" name=""kernel-default"" edition=""(?<v>[^-""]+)-(?<r>[^""]+)""")]
    private static partial Regex KernelSolvable();
}
