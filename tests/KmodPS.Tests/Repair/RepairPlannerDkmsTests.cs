using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Repair;
using static KmodPS.Tests.Repair.RepairFixtures;

namespace KmodPS.Tests.Repair;

public sealed class RepairPlannerDkmsTests
{
    [Fact]
    public void StaleInstalledBuildIsRebuiltWithForceAndReinstalledWithForce()
    {
        var input = Input(new[] { Kernel(K) }, new[] { Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7", package: "v4l2loopback/0.12.7") },
            new[] { new RepairPair("v4l2loopback", K) }, new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed) });
        var decision = Assert.Single(RepairPlanner.Plan(input).Decisions);
        var action = decision.Action!;
        Assert.Equal(RepairActionKind.DkmsRebuild, action.Kind);
        Assert.Equal(new[] { DkmsPath, "build", "--force", "-m", "v4l2loopback", "-v", "0.12.7", "-k", K }, Argv(action.Commands[0]));
        Assert.Equal(new[] { DkmsPath, "install", "--force", "-m", "v4l2loopback", "-v", "0.12.7", "-k", K }, Argv(action.Commands[1]));
        Assert.Equal("v4l2loopback/0.12.7 on " + K, action.Target);
        Assert.All(action.Commands, c => Assert.Equal("C", c.Environment["LC_ALL"]));
        Assert.True(action.Commands[0].Timeout >= TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void StaleBuildThatIsNotInstalledIsRebuiltThenInstalledWithoutForce()
    {
        var input = Input(new[] { Kernel(K) }, new[] { Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7.1", package: "v4l2loopback/0.12.7.1") },
            new[] { new RepairPair("v4l2loopback", K) }, new[] { Entry("v4l2loopback", "0.12.7.1", K, DkmsState.Built) });
        var action = RepairPlanner.Plan(input).Actions.Single();
        Assert.Equal(new[] { DkmsPath, "build", "--force", "-m", "v4l2loopback", "-v", "0.12.7.1", "-k", K }, Argv(action.Commands[0]));
        Assert.Equal(new[] { DkmsPath, "install", "-m", "v4l2loopback", "-v", "0.12.7.1", "-k", K }, Argv(action.Commands[1]));
    }

    [Fact]
    public void MissingOnASecondKernelWithHeadersInstallsTheNewestAddedVersion()
    {
        var rows = new[]
        {
            Row("v4l2loopback", K, ModuleState.Installed, version: "0.12.7", package: "v4l2loopback/0.12.7"),
            Row("v4l2loopback", KOld, ModuleState.Missing),
        };
        var dkms = new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed), Entry("v4l2loopback", "0.12.7.1", K, DkmsState.Built), Entry("v4l2loopback", "0.9", null, DkmsState.Added) };
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) }, rows, new[] { new RepairPair("v4l2loopback", KOld) }, dkms));
        var action = plan.Actions.Single();
        Assert.Equal(RepairActionKind.DkmsInstall, action.Kind);
        Assert.Equal(new[] { DkmsPath, "install", "-m", "v4l2loopback", "-v", "0.12.7.1", "-k", KOld }, Argv(Assert.Single(action.Commands)));
    }

    [Fact]
    public void KernelWithoutHeadersIsBlockedWithoutRunningDkms()
    {
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Installed, package: "v4l2loopback/0.12.7"), Row("v4l2loopback", KOld, ModuleState.Missing) };
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(KOld, headers: false), Kernel(K) }, rows, new[] { new RepairPair("v4l2loopback", KOld) },
            new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed) }));
        Assert.Empty(plan.Actions);
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(RepairOutcome.Blocked, decision.PlannedOutcome);
        Assert.StartsWith("headers not installed for " + KOld, decision.Message);
        Assert.Contains("linux-headers-" + KOld, decision.Message);
        Assert.Equal("HeadersNotInstalled", decision.Failure!.ErrorId);
    }

    [Fact]
    public void BuiltButNotInstalledIsInstalledWithoutHeadersOrCompiler()
    {
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Built, version: "0.12.7", package: "v4l2loopback/0.12.7") };
        var input = Input(new[] { Kernel(K, headers: false) }, rows, new[] { new RepairPair("v4l2loopback", K) },
            new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Built) }, Tools(compiler: false));
        var action = RepairPlanner.Plan(input).Actions.Single();
        Assert.Equal(new[] { DkmsPath, "install", "-m", "v4l2loopback", "-v", "0.12.7", "-k", K }, Argv(Assert.Single(action.Commands)));
    }

    [Fact]
    public void AddedOnlyModuleIsBuiltAndInstalledButNeedsACompiler()
    {
        var conf = DkmsConf.Parse("PACKAGE_NAME=\"lab-broken\"\nPACKAGE_VERSION=\"1.0\"\nBUILT_MODULE_NAME[0]=\"lab_broken\"\nDEST_MODULE_LOCATION[0]=\"/updates\"\n");
        var rows = new[] { Row("lab_broken", K, ModuleState.Added, version: "1.0", package: "lab-broken/1.0") };
        var dkms = new[] { Entry("lab-broken", "1.0", null, DkmsState.Added, conf) };
        var pairs = new[] { new RepairPair("lab_broken", K) };
        var action = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, pairs, dkms)).Actions.Single();
        Assert.Equal(new[] { DkmsPath, "install", "-m", "lab-broken", "-v", "1.0", "-k", K }, Argv(Assert.Single(action.Commands)));
        var noCompiler = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, pairs, dkms, Tools(compiler: false))).Decisions.Single();
        Assert.Equal("CompilerNotFound", noCompiler.Failure!.ErrorId);
    }

    [Fact]
    public void InstalledPairsAreNothingToDoEvenWithAnotherVersionBuilt()
    {
        var rows = new[]
        {
            Row("v4l2loopback", K, ModuleState.Installed, version: "0.12.7", package: "v4l2loopback/0.12.7"),
            Row("v4l2loopback", K, ModuleState.Built, version: "0.12.7.1", package: "v4l2loopback/0.12.7.1"),
        };
        Assert.False(RepairPlanner.NeedsAttention(rows));
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, new[] { new RepairPair("v4l2loopback", K) })).Decisions.Single();
        Assert.Equal(RepairOutcome.NothingToDo, decision.PlannedOutcome);
        Assert.Null(decision.Action);
    }

    [Fact]
    public void NeedsAttentionCoversProblemsAndBuiltOnlyPairs()
    {
        Assert.True(RepairPlanner.NeedsAttention(new[] { Row("m", K, ModuleState.Built, package: "m/1") }));
        Assert.True(RepairPlanner.NeedsAttention(new[] { Row("m", K, ModuleState.Missing) }));
        Assert.False(RepairPlanner.NeedsAttention(new[] { Row("m", K, ModuleState.Installed) }));
        Assert.False(RepairPlanner.NeedsAttention(Array.Empty<ModuleStatus>()));
    }

    [Fact]
    public void AnotherRootRunsDkmsInsideItThroughUnshareAndChroot()
    {
        const string root = "/srv/image";
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7", package: "v4l2loopback/0.12.7", root: root) };
        var input = Input(new[] { Kernel(K, root: root) }, rows, new[] { new RepairPair("v4l2loopback", K) },
            new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed) }, root: root);
        var build = RepairPlanner.Plan(input).Actions.Single().Commands[0];
        Assert.Equal(new[]
        {
            "unshare", "--mount", "--propagation", "private", "--mount-proc=/srv/image/proc", "--", "chroot", root, DkmsPath,
            "build", "--force", "-m", "v4l2loopback", "-v", "0.12.7", "-k", K,
        }, Argv(build));
        Assert.Contains("/usr/sbin", build.Environment["PATH"]);
        Assert.Equal($"unshare --mount --propagation private --mount-proc=/srv/image/proc -- chroot /srv/image /usr/sbin/dkms build --force -m v4l2loopback -v 0.12.7 -k {K}", build.DisplayText);
    }

    [Fact]
    public void NoDkmsInTheRootFailsEveryDkmsPairWithTheExplanation()
    {
        var tools = new RepairTools(null, "/w has no /usr/sbin/dkms. Repair-KernelModule runs dkms inside the root (chroot)", true, null, null);
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Stale, package: "v4l2loopback/0.12.7", root: "/w") };
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(K, root: "/w") }, rows, new[] { new RepairPair("v4l2loopback", K) },
            new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed) }, tools, root: "/w")).Decisions.Single();
        Assert.Equal(("DkmsNotFound", RepairOutcome.Blocked), (decision.Failure!.ErrorId, decision.PlannedOutcome!.Value));
        Assert.Contains("chroot", decision.Message);
    }

    [Fact]
    public void AModuleOfAMultiModuleDkmsPackageSharesOneActionPerKernel()
    {
        var conf = DkmsConf.Parse("PACKAGE_NAME=\"nvidia\"\nPACKAGE_VERSION=\"550.1\"\nBUILT_MODULE_NAME[0]=\"nvidia\"\nBUILT_MODULE_NAME[1]=\"nvidia-drm\"\nDEST_MODULE_LOCATION[0]=\"/updates\"\nDEST_MODULE_LOCATION[1]=\"/updates\"\n");
        var rows = new[]
        {
            Row("nvidia", K, ModuleState.Installed, package: "nvidia/550.1"), Row("nvidia_drm", K, ModuleState.Installed, package: "nvidia/550.1"),
            Row("nvidia", KOld, ModuleState.Missing), Row("nvidia_drm", KOld, ModuleState.Missing),
        };
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) }, rows, new[] { new RepairPair("nvidia_drm", KOld), new RepairPair("nvidia", KOld) },
            new[] { Entry("nvidia", "550.1", K, DkmsState.Installed, conf) }));
        Assert.Equal(new[] { "nvidia", "nvidia_drm" }, plan.Decisions.Select(d => d.Pair.Name));
        var action = Assert.Single(plan.Actions);
        Assert.All(plan.Decisions, d => Assert.Same(action, d.Action));
        Assert.Equal(new[] { DkmsPath, "install", "-m", "nvidia", "-v", "550.1", "-k", KOld }, Argv(action.Commands.Single()));
    }

    [Fact]
    public void UntrustedUnderSecureBootIsSkippedWithTheMokutilCommand()
    {
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Untrusted, package: "v4l2loopback/0.12.7", signer: "DKMS module signing key") };
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, new[] { new RepairPair("v4l2loopback", K) }, secureBoot: true)).Decisions.Single();
        Assert.Equal(RepairOutcome.Skipped, decision.PlannedOutcome);
        Assert.Null(decision.Action);
        Assert.Contains("enrol the key: mokutil --import /var/lib/dkms/mok.pub", decision.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AnUnsafeNameInTheDkmsTreeIsNeverPassedToDkms()
    {
        var rows = new[] { Row("evil", K, ModuleState.Built, package: "-rf/1.0") };
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(K) }, rows, new[] { new RepairPair("evil", K) }, new[] { Entry("-rf", "1.0", K, DkmsState.Built) })).Decisions.Single();
        Assert.Equal("InvalidDkmsName", decision.Failure!.ErrorId);
        Assert.Null(decision.Action);
    }

    [Fact]
    public void MissingWithoutAnyDkmsSourceFails()
    {
        var rows = new[] { Row("v4l2loopback", K, ModuleState.Installed, package: "v4l2loopback/0.12.7"), Row("v4l2loopback", KOld, ModuleState.Missing) };
        var decision = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) }, rows, new[] { new RepairPair("v4l2loopback", KOld) })).Decisions.Single();
        Assert.Equal("DkmsSourceNotFound", decision.Failure!.ErrorId);
    }

    [Fact]
    public void DecisionsAndActionsRunOldestKernelFirst()
    {
        var rows = new[] { Row("a", K, ModuleState.Built, package: "a/1"), Row("b", KOld, ModuleState.Built, package: "b/1"), Row("a", KOld, ModuleState.Built, package: "a/1") };
        var dkms = new[] { Entry("a", "1", K, DkmsState.Built), Entry("a", "1", KOld, DkmsState.Built), Entry("b", "1", KOld, DkmsState.Built) };
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) }, rows, new[] { new RepairPair("a", K), new RepairPair("b", KOld), new RepairPair("a", KOld) }, dkms));
        Assert.Equal(new[] { $"a/1 on {KOld}", $"b/1 on {KOld}", $"a/1 on {K}" }, plan.Actions.Select(a => a.Target));
    }

    [Fact]
    public void ADkmsConfThatCannotBeParsedIsRefusedWithoutRunningDkms()
    {
        var broken = DkmsConf.Parse("PACKAGE_NAME=\"v4l2loopback\"\nPACKAGE_VERSION=\"0.12.7\"\nif [ -n \"$kernelver\" ]; then\n");
        var input = Input(new[] { Kernel(K) }, new[] { Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7", package: "v4l2loopback/0.12.7") },
            new[] { new RepairPair("v4l2loopback", K) }, new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed, broken) });
        var plan = RepairPlanner.Plan(input);
        Assert.Empty(plan.Actions);
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(("StoreUnparsable", RepairOutcome.Blocked), (decision.Failure!.ErrorId, decision.PlannedOutcome!.Value));
        Assert.Contains("/usr/src/v4l2loopback-0.12.7/dkms.conf", decision.Message);
        Assert.Contains("the 'if' on line 3 is never closed", decision.Message);
    }
}
