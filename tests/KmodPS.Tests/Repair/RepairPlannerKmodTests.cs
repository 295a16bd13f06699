using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Repair;
using static KmodPS.Tests.Repair.RepairFixtures;

namespace KmodPS.Tests.Repair;

public sealed class RepairPlannerKmodTests
{
    private const string Installed = "kmod-nvidia-open-595.58.03-1.el9_7.x86_64";
    private const string Root = "/srv/alma";

    private static RepairInput Alma(IReadOnlyList<RepositoryPackage>? repository, bool host = false, string? tool = "dnf", HostFamily family = HostFamily.RedHat)
    {
        var root = host ? "/" : Root;
        var rows = new[]
        {
            Row("nvidia", Alma41, ModuleState.Installed, ModuleProvider.KmodPackage, "595.58.03", Installed, root: root),
            Row("nvidia", Alma45, ModuleState.Missing, ModuleProvider.KmodPackage, root: root),
        };
        return Input(new[] { Kernel(Alma41, root: root), Kernel(Alma45, root: root) }, rows, new[] { new RepairPair("nvidia", Alma45) },
            tools: Tools(root, host, tool: tool), root: root, family: family, repository: repository);
    }

    [Fact]
    public void MissingKmodIsInstalledWithDnfInsideTheRootWithoutPlugins()
    {
        var wanted = Package("kmod-nvidia-open", "595.58.03", "2.el9_7.611_45_1", Alma45, installOnly: true);
        var repository = new[] { Package("kmod-nvidia-open", "595.58.03", "1.el9_7", Alma41), wanted, Package("kmod-nvidia-open", "595.58.03", "3.el9_7.611_49_1", "5.14.0-611.49.1.el9_7.x86_64", true) };
        var plan = RepairPlanner.Plan(Alma(repository));
        var action = Assert.Single(plan.Actions);
        Assert.Equal(RepairActionKind.KmodInstall, action.Kind);
        Assert.Equal(new[]
        {
            "dnf", "install", "-y", "--installroot", Root, "--setopt=reposdir=/srv/alma/etc/yum.repos.d", "--releasever=9", "--noplugins", wanted.Nevra,
        }, Argv(Assert.Single(action.Commands)));
        Assert.Equal(wanted.Nevra, plan.Decisions.Single().Package);
    }

    [Fact]
    public void OnTheHostDnfRunsPlainly()
    {
        var wanted = Package("kmod-nvidia-open", "595.58.03", "2.el9_7.611_45_1", Alma45, installOnly: true);
        var action = RepairPlanner.Plan(Alma(new[] { wanted }, host: true)).Actions.Single();
        Assert.Equal(new[] { "dnf", "install", "-y", wanted.Nevra }, Argv(action.Commands.Single()));
    }

    [Fact]
    public void NoPackageForTheKernelSaysExactlyWhatIsMissing()
    {
        var decision = RepairPlanner.Plan(Alma(new[] { Package("kmod-nvidia-open", "595.58.03", "1.el9_7", Alma41) })).Decisions.Single();
        Assert.Equal(RepairOutcome.Blocked, decision.PlannedOutcome);
        Assert.Equal($"kmod-nvidia-open for {Alma45} is not in any enabled repository", decision.Message);
        Assert.Equal("KmodPackageNotFound", decision.Failure!.ErrorId);
        Assert.Contains("Set-DefaultKernel", decision.Failure.RecommendedAction);
    }

    [Fact]
    public void ASameNamedPackageThatIsNotInstallOnlyWouldRemoveTheOtherKernelsModuleAndIsSkipped()
    {
        var sameName = Package("kmod-nvidia-open", "595.58.03", "1.el9_7.611_45_1_el9_7", Alma45);
        var decision = RepairPlanner.Plan(Alma(new[] { sameName })).Decisions.Single();
        Assert.Equal(RepairOutcome.Skipped, decision.PlannedOutcome);
        Assert.Null(decision.Action);
        Assert.Contains($"remove nvidia from {Alma41}", decision.Message);
        Assert.Contains($"dnf install {sameName.Nevra}", decision.Message);
    }

    [Fact]
    public void ASameNamedPackageTheRootsDnfConfMakesInstallOnlyIsInstalled()
    {
        var sameName = Package("kmod-nvidia-open", "595.58.03", "1.el9_7.611_45_1_el9_7", Alma45);
        var input = Alma(new[] { sameName }) with { InstallOnlyPackages = new[] { "kmod-nvidia-open" } };
        var action = RepairPlanner.Plan(input).Actions.Single();
        Assert.Equal(sameName.Nevra, action.Commands.Single().Arguments[^1]);
        Assert.True(KmodPackageMatcher.IsInstallOnly(sameName, new[] { "kmod-nvidia-open" }));
        Assert.False(KmodPackageMatcher.IsInstallOnly(sameName));
    }

    [Fact]
    public void NvidiaPrecompiledStreamNamesMatchWithoutRequires()
    {
        var stream = new RepositoryPackage("kmod-nvidia-open-595.58.03-5.14.0-611.45.1.el9_7", "595.58.03", "1", "x86_64", "cuda", Array.Empty<string>(), new[] { "kmod(nvidia.ko)" });
        Assert.True(KmodPackageMatcher.BuiltFor(stream, Alma45));
        Assert.Same(stream, KmodPackageMatcher.Find(new[] { stream }, "kmod-nvidia-open", "nvidia", Alma45));
        Assert.Null(KmodPackageMatcher.Find(new[] { stream }, "kmod-nvidia-open", "nvidia", Alma41));
    }

    [Fact]
    public void AFailedRepositoryQueryFailsThePair()
    {
        var decision = RepairPlanner.Plan(Alma(null)).Decisions.Single();
        Assert.Equal(("PackageQueryFailed", RepairOutcome.Blocked), (decision.Failure!.ErrorId, decision.PlannedOutcome!.Value));
    }

    [Fact]
    public void WithoutAnyDnfTheRepositoryCannotBeQueriedAndThePairSaysWhy()
    {
        var decision = RepairPlanner.Plan(Alma(null, tool: null)).Decisions.Single();
        Assert.Equal(("PackageManagerNotFound", RepairOutcome.Blocked), (decision.Failure!.ErrorId, decision.PlannedOutcome!.Value));
        Assert.Equal($"No dnf, dnf5 or yum on this machine: kmod-nvidia-open for {Alma45} can be neither looked up nor installed.", decision.Message);
    }

    [Fact]
    public void DebianKmodPackagesAreNotInstalledAndTheMessageNamesThePackage()
    {
        var rows = new[]
        {
            Row("nvidia", K, ModuleState.Installed, ModuleProvider.KmodPackage, package: $"linux-modules-nvidia-550-{K}"),
            Row("nvidia", KOld, ModuleState.Missing, ModuleProvider.KmodPackage),
        };
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) }, rows, new[] { new RepairPair("nvidia", KOld) })).Decisions.Single();
        Assert.Equal(RepairOutcome.Skipped, decision.PlannedOutcome);
        Assert.Contains($"linux-modules-nvidia-550-{KOld}", decision.Message);
    }

    [Fact]
    public void AkmodAndManualModulesAreSkippedWithWhatToDo()
    {
        var rows = new[] { Row("wl", K, ModuleState.Missing, ModuleProvider.Akmod), Row("hand", K, ModuleState.Missing, ModuleProvider.Manual) };
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, new[] { new RepairPair("wl", K), new RepairPair("hand", K) }));
        Assert.All(plan.Decisions, d => Assert.Equal(RepairOutcome.Skipped, d.PlannedOutcome));
        Assert.Contains("akmods --kernels " + K, plan.Decisions.Single(d => d.Pair.Name == "wl").Message);
        Assert.Empty(plan.Actions);
    }
}
