using KmodPS.Core.Models;
using KmodPS.Core.Modules;

namespace KmodPS.Tests.Engine;

/// <summary>New-KmodTestRoot scenarios give the verdicts runbook authors test against, without dkms, rpm or dpkg.</summary>
[Collection(EngineCollection.Name)]
public sealed class TestRootTests : IDisposable
{
    private readonly PowerShellSession _ps;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-testroot-" + Guid.NewGuid().ToString("N"));

    public TestRootTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("Healthy", true)]
    [InlineData("AlmaNvidiaKmodMissing", false)]
    [InlineData("AlmaNvidiaBeforeUpdate", false)]
    public void TestKernelUpdateAnswersFromTheScenario(string scenario, bool ready)
    {
        var root = Build(scenario);
        var result = _ps.Run("Test-KernelUpdate -Root $root -Quiet", new Dictionary<string, object?> { ["root"] = root });
        Assert.Empty(result.Errors);
        Assert.Equal(ready, (bool)Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void ADamagedAnswerFileFailsClosed()
    {
        // The Healthy scenario is ready; with its answers unreadable nothing is known, so the answer is not $true.
        var root = Build("Healthy");
        File.WriteAllText(Path.Combine(root, "var/lib/kmodps/testroot.json"), "{ not json");
        var result = _ps.Run("Test-KernelUpdate -Root $root", new Dictionary<string, object?> { ["root"] = root });
        Assert.False((bool)Assert.Single(result.Output).BaseObject);
        Assert.Contains(result.ErrorIds, id => id.StartsWith("TestRootAnswersInvalid,", StringComparison.Ordinal));
    }

    [Fact]
    public void AlmaNvidiaKmodMissingIsTheIncident()
    {
        var rows = Status(Build("AlmaNvidiaKmodMissing"), "-Name nvidia");
        Assert.Equal(ModuleState.Installed, rows.Single(r => r.KernelVersion == "5.14.0-611.41.1.el9_7.x86_64").State);
        Assert.Equal("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", rows.Single(r => r.KernelVersion == "5.14.0-611.41.1.el9_7.x86_64").Package);
        var next = rows.Single(r => r.IsNextBootKernel);
        Assert.Equal(("5.14.0-611.49.1.el9_7.x86_64", ModuleState.Missing), (next.KernelVersion, next.State));
    }

    [Fact]
    public void DebianDkmsStaleHasAStaleBuildAndAHeaderlessKernel()
    {
        var rows = Status(Build("DebianDkmsStale"), "-Name v4l2loopback");
        Assert.Equal(ModuleState.Stale, rows.Single(r => r.KernelVersion == "6.1.0-56-amd64").State);
        Assert.StartsWith("headers not installed", rows.Single(r => r.KernelVersion == "6.1.0-55-amd64").Reason);
    }

    [Fact]
    public void SecureBootUntrustedFlagsTheMokSignedModule()
    {
        var row = Status(Build("SecureBootUntrusted"), "-Name v4l2loopback -KernelVersion 6.1.0-56-amd64").Single();
        Assert.Equal(ModuleState.Untrusted, row.State);
        Assert.Equal("DKMS module signing key", row.Signer);
        Assert.Equal("14:90:68:E2:4A:71:94:86", row.SigKey);
    }

    [Fact]
    public void TheWrittenModulesAreRealElfObjects()
    {
        var root = Build("AlmaNvidiaKmodMissing");
        var info = ModuleFileReader.Read(Path.Combine(root, "lib/modules/5.14.0-611.41.1.el9_7.x86_64/extra/nvidia-open/nvidia.ko"), "nvidia.ko");
        Assert.Equal("595.58.03", info.Version);
        Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", info.VermagicKernel);
        Assert.False(info.InTree);
    }

    [Fact]
    public void ANonEmptyDirectoryIsRefused()
    {
        var root = Build("Healthy");
        var result = _ps.Run("New-KmodTestRoot -Path $root -Scenario Healthy", new Dictionary<string, object?> { ["root"] = root });
        Assert.Contains(result.ErrorIds, id => id.StartsWith("TestRootNotEmpty,", StringComparison.Ordinal));
    }

    private string Build(string scenario)
    {
        var root = Path.Combine(_directory, scenario + Guid.NewGuid().ToString("N")[..6]);
        var result = _ps.Run("New-KmodTestRoot -Path $root -Scenario $scenario", new Dictionary<string, object?> { ["root"] = root, ["scenario"] = scenario });
        Assert.Empty(result.Errors);
        return root;
    }

    private List<ModuleStatus> Status(string root, string arguments)
    {
        var result = _ps.Run($"Get-KernelModuleStatus -Root $root {arguments} -WarningAction SilentlyContinue", new Dictionary<string, object?> { ["root"] = root });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => (ModuleStatus)o.BaseObject).ToList();
    }
}
