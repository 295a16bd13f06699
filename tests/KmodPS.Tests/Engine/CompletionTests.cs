using KmodPS.Core.Packages;
using KmodPS.Core.TestRoots;
using KmodPS.Tests.Core;
using static KmodPS.Tests.Core.CandidateCacheFixtures;

namespace KmodPS.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class CompletionTests : IDisposable
{
    private const string Alma41 = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Alma45 = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Alma49 = "5.14.0-611.49.1.el9_7.x86_64";
    private static readonly string Alma = RepoPaths.Fixture("roots", "alma-basic");
    private readonly PowerShellSession _ps;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-completion-" + Guid.NewGuid().ToString("N"));

    public CompletionTests(SharedSession shared)
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
    [InlineData("Get-InstalledKernel -Root {0} -KernelVersion 5.14.0-611.4")]
    [InlineData("Get-KernelModuleStatus -Root {0} 5.14.0-611.4")]
    [InlineData("Set-DefaultKernel -Root {0} -KernelVersion 5.14.0-611.4")]
    [InlineData("Test-KernelUpdate -Root {0} -KernelVersion 5.14.0-611.4")]
    public void KernelVersionCompletesFromTheBoundRoot(string template)
    {
        Assert.Equal(new[] { "5.14.0-611.41.1.el9_7.x86_64" }, Complete(string.Format(template, Alma)));
    }

    [Fact]
    public void KernelVersionOffersEveryKernelNewestFirst() =>
        Assert.Equal(new[] { "5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.9.1.el9_7.x86_64" }, Complete($"Get-InstalledKernel -Root {Alma} -KernelVersion "));

    [Fact]
    public void NameHasNothingToOfferWhereThereAreNoOutOfTreeModules() =>
        Assert.Empty(Complete($"Get-KernelModuleStatus -Root {RepoPaths.Fixture("roots", "debian-merged")} -Name "));

    [Fact]
    public void ExcludeOffersInstalledKernelsThenTheRepositoryCandidatesOfATestRoot() =>
        Assert.Equal(new[] { Alma41, Alma49, Alma45 }, Complete($"Lock-Kernel -Root {Build("AlmaNvidiaBeforeUpdate")} -Exclude "));

    [Fact]
    public void TestKernelUpdateKernelVersionOffersCandidatesMatchingThePrefix() =>
        Assert.Equal(new[] { Alma49 }, Complete($"Test-KernelUpdate -Root {Build("AlmaNvidiaBeforeUpdate")} -KernelVersion 5.14.0-611.49"));

    [Fact]
    public void ACandidateAlreadyInstalledIsOfferedOnceAsInstalled() =>
        Assert.Equal(new[] { Alma49, Alma45, Alma41 }, Complete($"Lock-Kernel -Root {Build("AlmaNvidiaKmodMissing")} -Exclude "));

    [Fact]
    public void PinningOffersOnlyInstalledKernelsBecauseOnlyThoseCanBePinned() =>
        Assert.Equal(new[] { Alma41 }, Complete($"Lock-Kernel -Root {Build("AlmaNvidiaBeforeUpdate")} -KernelVersion "));

    [Fact]
    public void ExcludeReadsDnfAndDnf5MetadataCachedUnderTheRoot()
    {
        var root = Build("AlmaNvidiaBeforeUpdate", withoutAnswers: true);
        Gzip(Path.Combine(root, "var/cache/dnf/appstream-1a2b3c4d5e6f7a8b/repodata/aa-primary.xml.gz"),
            Primary(RpmPackage("kernel-core", "x86_64", "5.14.0", "611.45.1.el9_7"), RpmPackage("kernel-core", "x86_64", "5.14.0", "611.41.1.el9_7"), RpmPackage("kernel-devel", "x86_64", "5.14.0", "611.54.1.el9_7")));
        Text(Path.Combine(root, "var/cache/libdnf5/baseos-1a2b3c4d5e6f7a8b/repodata/bb-primary.xml"), Primary(RpmPackage("kernel-core", "x86_64", "5.14.0", "611.50.1.el9_7")));
        Assert.Equal(new[] { Alma41, "5.14.0-611.50.1.el9_7.x86_64", Alma45 }, Complete($"Lock-Kernel -Root {root} -Exclude 5.14"));
    }

    [Fact]
    public void ExcludeReadsAptListsUnderTheRoot()
    {
        var root = Build("DebianDkmsStale", withoutAnswers: true);
        Text(Path.Combine(root, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"), DebianPackages);
        Assert.Equal(new[] { "6.1.0-56-amd64", "6.1.0-55-amd64", "6.1.0-58-cloud-amd64", "6.1.0-57-amd64" }, Complete($"Test-KernelUpdate -Root {root} "));
    }

    [Fact]
    public void TooltipsTellInstalledFromRepository()
    {
        var result = _ps.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($in, $in.Length, $null).CompletionMatches | ForEach-Object ToolTip",
            new Dictionary<string, object?> { ["in"] = $"Lock-Kernel -Root {Build("AlmaNvidiaBeforeUpdate")} -Exclude 5.14.0-611.4" });
        Assert.Empty(result.Errors);
        Assert.Equal(
            new[] { $"{Alma41} (installed, no headers)", $"{Alma49} (repository: kernel-core from appstream)", $"{Alma45} (repository: kernel-core from appstream)" },
            result.Output.Select(o => o.ToString()));
    }

    private string Build(string scenario, bool withoutAnswers = false)
    {
        var root = Path.Combine(_directory, scenario + Guid.NewGuid().ToString("N")[..6]);
        var result = _ps.Run("New-KmodTestRoot -Path $root -Scenario $scenario", new Dictionary<string, object?> { ["root"] = root, ["scenario"] = scenario });
        Assert.Empty(result.Errors);
        if (withoutAnswers)
        {
            File.Delete(Path.Combine(root, TestRootAnswers.FilePath.TrimStart('/')));
        }
        return root;
    }

    private List<string> Complete(string input) => Completion.Complete(_ps, input);
}

/// <summary>Runs PowerShell's own completion engine on a command line.</summary>
public static class Completion
{
    public static List<string> Complete(PowerShellSession ps, string input)
    {
        var result = ps.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($in, $in.Length, $null).CompletionMatches | ForEach-Object CompletionText",
            new Dictionary<string, object?> { ["in"] = input });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => o.ToString()).ToList();
    }
}
