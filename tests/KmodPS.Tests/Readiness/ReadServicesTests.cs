using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;
using KmodPS.Core.TestRoots;
using KmodPS.Tests.Locks;

namespace KmodPS.Tests.Readiness;

/// <summary>The Core services behind Get-KernelModuleStatus and Get-InstalledKernel, on a test root (no tool runs).</summary>
public sealed class ReadServicesTests : IDisposable
{
    private const string K41 = "5.14.0-611.41.1.el9_7.x86_64";
    private const string K45 = "5.14.0-611.45.1.el9_7.x86_64";
    private const string K49 = "5.14.0-611.49.1.el9_7.x86_64";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-read-services-" + Guid.NewGuid().ToString("N"));
    private readonly ISystemRoot _root;
    private readonly FakeDnfRunner _runner = new();

    public ReadServicesTests()
    {
        Directory.CreateDirectory(_directory);
        TestRootBuilder.Build(_directory, TestRootScenario.AlmaNvidiaKmodMissing);
        _root = new DirectorySystemRoot(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ModuleStatusFilter Filter(string[]? kernels = null, string[]? names = null, bool nextBoot = false, bool problems = false) =>
        new(KernelSelection.Parse(kernels, out _)!, names ?? Array.Empty<string>(), Array.Empty<ModuleProvider>(), nextBoot, problems);

    [Fact]
    public void ModuleRowsAreFilteredByKernelNameAndProblem()
    {
        var report = new ModuleStatusQuery(_runner).Read(_root, Filter(new[] { "5.14.0-611.4[15].*", "9.9.9-nope" }, new[] { "nvidia" }, problems: true));

        var row = Assert.Single(report.Items);
        Assert.Equal((K45, "nvidia", ModuleState.Missing), (row.KernelVersion, row.Name, row.State));
        Assert.Equal("9.9.9-nope", Assert.Single(report.Failures, f => f.ErrorId == "KernelNotFound").Target);
        Assert.Empty(_runner.Requests);
    }

    [Fact]
    public void AnExactNameFindsAnInTreeModuleAndARootIsReadOnce()
    {
        var query = new ModuleStatusQuery(_runner);
        var all = query.Read(_root, Filter());
        Assert.DoesNotContain(all.Items, r => r.Provider == ModuleProvider.Kernel);
        Assert.DoesNotContain(query.Read(_root, Filter(names: new[] { "e1000*" })).Items, r => r.Provider == ModuleProvider.Kernel);

        var inTree = query.Read(_root, Filter(new[] { K49 }, new[] { "e1000e", "nvidia" }, nextBoot: true));

        Assert.Equal(new[] { ("nvidia", ModuleProvider.KmodPackage), ("e1000e", ModuleProvider.Kernel) },
            inTree.Items.Select(r => (r.Name, r.Provider)));
        Assert.All(inTree.Items, r => Assert.Equal(K49, r.KernelVersion));
        Assert.Empty(inTree.Warnings.Intersect(all.Warnings));
    }

    [Fact]
    public void InstalledKernelsCarryTheirPackageNextBootAndSelection()
    {
        var report = new InstalledKernelQuery(_runner).Read(_root, KernelSelection.Parse(new[] { "*.el9_7.x86_64", "1.2.3-none" }, out _)!);

        Assert.Equal(new[] { K41, K45, K49 }, report.Items.Select(k => k.KernelVersion));
        Assert.Equal(new[] { K49 }, report.Items.Where(k => k.IsDefault).Select(k => k.KernelVersion));
        Assert.All(report.Items, k => Assert.StartsWith("kernel-core-", k.Package));
        Assert.Equal("1.2.3-none", Assert.Single(report.Failures).Target);
        Assert.Empty(_runner.Requests);
    }
}
