using System.Text.Json;
using System.Text.RegularExpressions;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Test-KernelUpdate's transaction against the real one: in copies of the EL lab world (unlocked, Lock-Kernel'd,
/// exclude= in dnf.conf, an intermediate kernel without its kmod, a broken repository), the kernels it says the update
/// installs are those the real <c>dnf upgrade --assumeno</c> installs with the root's own lock list
/// (tests/lab/lib/dnf-world.sh: a private pluginconfpath, as Lock-Kernel does).
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class KernelUpdateTransactionLabTests : IDisposable
{
    private const string Good = "5.14.0-611.41.1.el9_7";
    private const string Middle = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Newest = "5.14.0-611.49.1.el9_7.x86_64";

    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly List<string> _copies = new();

    public KernelUpdateTransactionLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.ForEach(c => Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", c));
    }

    [LabFact]
    public void UnlockedTheUpdateInstallsOnlyTheNewestKernelAndItsMissingKmodMakesItFalse()
    {
        var world = Copy("alma-nvidia-before");
        AssertSameAsDnf(world, new[] { Newest });
        Assert.False(Bool(world).Value);
        var checks = Detailed(world).Output;
        Assert.Equal(new[] { Middle, Newest }, checks.Select(c => c.KernelVersion));
        var middle = checks.Single(c => c.KernelVersion == Middle);
        Assert.False(middle.UpdateInstalls);
        Assert.False(middle.Decides);
        var newest = checks.Single(c => c.KernelVersion == Newest);
        Assert.True(newest.UpdateInstalls);
        Assert.Contains(newest.Problems, p => p.Module == "nvidia" && p.Blocking);
        Assert.Contains($"kernel-core-{Newest}", newest.Installs);
    }

    [LabFact]
    public void AfterLockKernelOnTheHealthyKernelNothingIsInstalledAndTheAnswerIsTrueWithAHeldBackWarning()
    {
        var world = Copy("alma-nvidia-before");
        var locked = _ps.Run($"Lock-Kernel {Good}.x86_64 -Root $root", new Dictionary<string, object?> { ["root"] = world });
        Assert.True(locked.Errors.Count == 0, string.Join("\n", locked.Errors));
        AssertSameAsDnf(world, Array.Empty<string>());
        var (ready, warnings) = Bool(world);
        Assert.True(ready);
        var held = Assert.Single(warnings, w => w.Contains("holds back every new kernel", StringComparison.Ordinal));
        Assert.Contains(Newest, held);
        Assert.Contains($"-0:{Good}.*", held);
        Assert.Contains("(added ", held);
        Assert.All(Detailed(world).Output, c => Assert.Equal((false, true), (c.UpdateInstalls, c.HeldBackBy is not null)));
    }

    [LabFact]
    public void AnExcludeInDnfConfIsHonouredLikeDnf()
    {
        var world = Copy("alma-nvidia-before");
        File.AppendAllText(Path.Combine(world, "etc/dnf/dnf.conf"), "exclude=kernel*-5.14.0-611.49.1.el9_7*\n");
        AssertSameAsDnf(world, new[] { Middle });
        var checks = Detailed(world).Output;
        Assert.True(checks.Single(c => c.KernelVersion == Middle).UpdateInstalls);
        Assert.Contains("exclude=kernel*-5.14.0-611.49.1.el9_7* in /etc/dnf/dnf.conf", checks.Single(c => c.KernelVersion == Newest).HeldBackBy);
    }

    [LabFact]
    public void AKmodOnlyForTheNewestKernelIsTrueAndWarnsThatTheFallbackLosesItsModule()
    {
        var world = Copy("alma-nvidia-before");
        UseRepository(world, Path.Combine(_lab.Dir("alma-repo-fixed"), "Packages"), p => !p.Contains("611_45_1", StringComparison.Ordinal));
        AssertSameAsDnf(world, new[] { Newest });
        var (ready, warnings) = Bool(world);
        Assert.True(ready, string.Join("\n", warnings));
        Assert.Contains(warnings, w => w.StartsWith($"{Good}.x86_64: nvidia: the update replaces kmod-nvidia-open-", StringComparison.Ordinal) && w.Contains("loses nvidia"));
        var checks = Detailed(world).Output;
        var fallback = checks.Single(c => c.KernelVersion == Good + ".x86_64");
        Assert.True(fallback.Ready);
        Assert.Contains(fallback.Problems, p => p.Module == "nvidia" && !p.Blocking);
        Assert.Contains("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", fallback.Removes);
        Assert.Contains(checks.Single(c => c.KernelVersion == Newest).Installs, p => p.StartsWith("kmod-nvidia-open-", StringComparison.Ordinal));
    }

    [LabFact]
    public void TheRunbookExcludeLoopConvergesWhenNoNewKernelHasItsKmod()
    {
        // 611.49.1 and then 611.45.1 lack the kmod: two rounds, then the update installs nothing and the answer is true.
        var world = Copy("alma-nvidia-before");
        var loop = _ps.Run(SuseUpdateLabTests.ExcludeLoop, new Dictionary<string, object?> { ["root"] = world });
        Assert.True(loop.Errors.Count == 0 && loop.Terminating is null, string.Join("\n", loop.Errors.Select(e => e.ToString()).Append(loop.Terminating?.ToString())));
        Assert.Equal(2, Convert.ToInt32(Assert.Single(loop.Output).BaseObject));
        AssertSameAsDnf(world, Array.Empty<string>());
        Assert.Contains(Bool(world).Warnings, w => w.Contains("holds back every new kernel", StringComparison.Ordinal));
    }

    [LabFact]
    public void ABrokenRepositoryIsFalse()
    {
        var world = Copy("alma-nvidia-before");
        var repo = Path.Combine(world, "etc/yum.repos.d/lab.repo");
        File.WriteAllText(repo, Regex.Replace(File.ReadAllText(repo), "baseurl=.*", "baseurl=file:///nonexistent/kmodps-broken-repo"));
        Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", Path.Combine(world, "var/cache/dnf"));
        var result = _ps.Run("Test-KernelUpdate -Root $root -Quiet", new Dictionary<string, object?> { ["root"] = world });
        Assert.False((bool)Assert.Single(result.Output).BaseObject);
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("PackageQueryFailed", StringComparison.Ordinal));
    }

    [LabTheory]
    [InlineData("install", new[] { "6.1.0-99-amd64" })]
    [InlineData("hold", new string[0])]
    public void DebianInstallsWhatAptGetSimulates(string selection, string[] expected)
    {
        var world = DebianWorld(selection);
        var simulated = Shell.Stdout("apt-get", "-o", "Debug::NoLocking=true", "-o", "Dir=" + world, "-s", "-q", "dist-upgrade")
            .Split('\n').Select(l => Regex.Match(l, "^Inst linux-image-(\\d[^ ]*)")).Where(m => m.Success).Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Equal(expected, simulated);
        var (checks, warnings) = Detailed(world);
        Assert.Equal(simulated, checks.Where(c => c.UpdateInstalls).Select(c => c.KernelVersion).Order().ToList());
        if (selection == "hold")
        {
            Assert.Contains(warnings, w => w.Contains("apt keeps back linux-image-amd64", StringComparison.Ordinal));
        }
    }

    [LabFact]
    public void AsNobodyOnAWorldReadableRootDnfGetsAPrivateCacheThatIsRemovedAfter()
    {
        var world = Copy("alma-nvidia-before");
        var before = RunnerProcess.NobodysTemporaryDirectories();
        foreach (var offline in new[] { string.Empty, " -Offline" })
        {
            var (exit, stdout, stderr) = RunnerProcess.RunAsNobody("--json", $"Test-KernelUpdate -Root '{world}' -Detailed -Quiet{offline}");
            Assert.True(exit == 0, stderr);
            var installs = JsonDocument.Parse(stdout).RootElement.EnumerateArray()
                .Where(c => c.GetProperty("UpdateInstalls").GetBoolean()).Select(c => c.GetProperty("KernelVersion").GetString()).ToList();
            Assert.Equal(new[] { Newest }, installs);
        }
        Assert.Equal(before, RunnerProcess.NobodysTemporaryDirectories());
        Assert.Empty(Shell.Stdout("find", world, "-uid", "65534"));
    }

    private void AssertSameAsDnf(string world, IReadOnlyList<string> expected)
    {
        var oracle = DnfInstalls(world);
        Assert.Equal(expected, oracle);
        var detailed = Detailed(world);
        Assert.Equal(oracle, detailed.Output.Where(c => c.UpdateInstalls).Select(c => c.KernelVersion).Order().ToList());
    }

    /// <summary>The kernel releases the real <c>dnf upgrade --assumeno</c> installs (kernel-core lines of its transaction table).</summary>
    private static List<string> DnfInstalls(string world)
    {
        var (_, output) = Shell.Run(Path.Combine(LabEnvironment.LabScripts, "lib", "dnf-world.sh"), TimeSpan.FromMinutes(3), world, "--nogpgcheck", "--assumeno", "upgrade");
        Assert.DoesNotContain("Error", output);
        return output.Split('\n').Select(l => TableLine().Match(l)).Where(m => m.Success).Select(m => $"{m.Groups["vr"].Value}.{m.Groups["arch"].Value}").Distinct().Order().ToList();
    }

    private void UseRepository(string world, string packages, Func<string, bool> include)
    {
        var repo = Path.Combine(world, "lab-repo");
        Directory.CreateDirectory(Path.Combine(repo, "Packages"));
        foreach (var rpm in Directory.GetFiles(packages, "*.rpm").Where(p => include(Path.GetFileName(p))))
        {
            File.Copy(rpm, Path.Combine(repo, "Packages", Path.GetFileName(rpm)));
        }
        Shell.Stdout("createrepo_c", "-q", "--general-compress-type=gz", repo);
        var file = Path.Combine(world, "etc/yum.repos.d/lab.repo");
        File.WriteAllText(file, Regex.Replace(File.ReadAllText(file), "baseurl=.*", "baseurl=file://" + repo));
        Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", Path.Combine(world, "var/cache/dnf"));
    }

    /// <summary>
    /// A Debian root apt can simulate on: kernel 6.1.0-57 and the metapackage installed (held with "hold"), and a local
    /// repository whose newer metapackage pulls 6.1.0-99 (6.1.0-98 is offered but nothing pulls it).
    /// </summary>
    private string DebianWorld(string selection)
    {
        var world = Path.Combine(Path.GetTempPath(), $"kmodps-txn-debian-{Guid.NewGuid():N}");
        _copies.Add(world);
        const string old = "6.1.0-57-amd64";
        foreach (var directory in new[] { "etc/apt/sources.list.d", "etc/apt/preferences.d", "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/lib/dpkg", $"lib/modules/{old}", "boot", "repo" })
        {
            Directory.CreateDirectory(Path.Combine(world, directory));
        }
        File.WriteAllText(Path.Combine(world, "etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
        File.WriteAllText(Path.Combine(world, $"boot/vmlinuz-{old}"), "lab");
        File.WriteAllText(Path.Combine(world, "var/lib/dpkg/status"),
            $"Package: linux-image-{old}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 6.1.192-3\nDescription: lab\n\n"
            + $"Package: linux-image-amd64\nStatus: {selection} ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 6.1.192-3\nDepends: linux-image-{old}\nDescription: lab\n\n");
        File.WriteAllText(Path.Combine(world, "repo/Packages"),
            "Package: linux-image-amd64\nArchitecture: amd64\nVersion: 6.1.200-1\nDepends: linux-image-6.1.0-99-amd64\nFilename: ./meta.deb\nSize: 1\nDescription: lab\n\n"
            + "Package: linux-image-6.1.0-99-amd64\nArchitecture: amd64\nVersion: 6.1.200-1\nFilename: ./k99.deb\nSize: 1\nDescription: lab\n\n"
            + "Package: linux-image-6.1.0-98-amd64\nArchitecture: amd64\nVersion: 6.1.199-1\nFilename: ./k98.deb\nSize: 1\nDescription: lab\n\n");
        File.WriteAllText(Path.Combine(world, "etc/apt/sources.list"), $"deb [trusted=yes] file:{world}/repo ./\n");
        Shell.Stdout("apt-get", "-o", "Debug::NoLocking=true", "-o", "Dir=" + world, "-q", "update");
        return world;
    }

    private string Copy(string world)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"kmodps-txn-{world}-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", _lab.Dir(world), copy);
        _copies.Add(copy);
        return copy;
    }

    private (bool Value, List<string> Warnings) Bool(string root)
    {
        var result = _ps.Run("Test-KernelUpdate -Root $root", new Dictionary<string, object?> { ["root"] = root });
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return ((bool)Assert.Single(result.Output).BaseObject, result.Warnings);
    }

    private (List<KernelUpdateCheck> Output, List<string> Warnings) Detailed(string root)
    {
        var result = _ps.Run("Test-KernelUpdate -Root $root -Detailed", new Dictionary<string, object?> { ["root"] = root });
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return (result.Output.Select(o => (KernelUpdateCheck)o.BaseObject).ToList(), result.Warnings);
    }

    [GeneratedRegex(@"^ kernel-core\s+(?<arch>\S+)\s+(?<vr>\S+)\s+\S+")]
    private static partial Regex TableLine();
}
