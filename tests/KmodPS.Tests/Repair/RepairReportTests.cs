using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Repair;
using static KmodPS.Tests.Repair.RepairFixtures;

namespace KmodPS.Tests.Repair;

/// <summary>What Repair-KernelModule writes per pair: one row each, and errors only for failures of a real run.</summary>
public sealed class RepairReportTests
{
    private static readonly Dictionary<string, RepairExecution> NothingRan = new();

    // v4l2loopback: Missing on the headerless KOld (Blocked), Stale on K (a rebuild); lab_ok: installed on K.
    private static RepairPlan Plan() => RepairPlanner.Plan(Input(
        new[] { Kernel(KOld, headers: false), Kernel(K) },
        new[]
        {
            Row("v4l2loopback", KOld, ModuleState.Missing),
            Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7", package: "v4l2loopback/0.12.7"),
            Row("lab_ok", K, ModuleState.Installed, package: "lab-ok/1.0"),
        },
        new[] { new RepairPair("v4l2loopback", KOld), new RepairPair("v4l2loopback", K), new RepairPair("lab_ok", K) },
        new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed), Entry("v4l2loopback", "0.12.7", null, DkmsState.Added) }));

    [Fact]
    public void APreviewWritesARowForWhatCannotOrNeedNotRunAndNoErrors()
    {
        var entries = RepairReport.Build(Plan(), NothingRan, preview: true, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        // The rebuild on K is the What if line's to report.
        Assert.Equal(new[] { ("v4l2loopback", KOld, RepairOutcome.Blocked), ("lab_ok", K, RepairOutcome.NothingToDo) },
            entries.Select(e => (e.Result.Name, e.Result.KernelVersion, e.Result.Outcome)));
        Assert.All(entries, e => Assert.Null(e.Error));
        Assert.StartsWith("headers not installed for " + KOld, entries[0].Result.Message);
    }

    [Fact]
    public void ARunWritesOneRowPerPairAndOneErrorPerBlockedOrFailedPairWithThatRowAsTarget()
    {
        var plan = Plan();
        var rebuild = plan.Actions.Single();
        var failed = new RepairExecution(new[] { rebuild.CommandLines[0] }, false, 10, false, 0, "Error! Bad return status", null, null);
        var entries = RepairReport.Build(plan, new Dictionary<string, RepairExecution> { [rebuild.Key] = failed }, preview: false,
            Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal(new[] { ("v4l2loopback", KOld, RepairOutcome.Blocked), ("lab_ok", K, RepairOutcome.NothingToDo), ("v4l2loopback", K, RepairOutcome.Failed) },
            entries.Select(e => (e.Result.Name, e.Result.KernelVersion, e.Result.Outcome)));
        Assert.Equal(new[] { "HeadersNotInstalled", null, "DkmsBuildFailed" }, entries.Select(e => e.Error?.ErrorId));
        Assert.Same(entries[0].Result, entries[0].Error!.Target);
        Assert.Same(entries[2].Result, entries[2].Error!.Target);
    }

    [Fact]
    public void ADeclinedActionIsASkippedRowWithoutAnError()
    {
        var entries = RepairReport.Build(Plan(), NothingRan, preview: false, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        var declined = entries.Single(e => e.Result.Name == "v4l2loopback" && e.Result.KernelVersion == K);
        Assert.Equal(RepairOutcome.Skipped, declined.Result.Outcome);
        Assert.Null(declined.Error);
    }

    [Fact]
    public void PairsThatShareOneFailedBuildShareOneError()
    {
        var conf = DkmsConf.Parse("PACKAGE_NAME=\"nvidia\"\nPACKAGE_VERSION=\"550.1\"\nBUILT_MODULE_NAME[0]=\"nvidia\"\nBUILT_MODULE_NAME[1]=\"nvidia-drm\"\nDEST_MODULE_LOCATION[0]=\"/updates\"\nDEST_MODULE_LOCATION[1]=\"/updates\"\n");
        var plan = RepairPlanner.Plan(Input(new[] { Kernel(KOld), Kernel(K) },
            new[]
            {
                Row("nvidia", K, ModuleState.Installed, package: "nvidia/550.1"), Row("nvidia_drm", K, ModuleState.Installed, package: "nvidia/550.1"),
                Row("nvidia", KOld, ModuleState.Missing), Row("nvidia_drm", KOld, ModuleState.Missing),
            },
            new[] { new RepairPair("nvidia", KOld), new RepairPair("nvidia_drm", KOld) },
            new[] { Entry("nvidia", "550.1", K, DkmsState.Installed, conf) }));
        var install = plan.Actions.Single();
        var failed = new RepairExecution(install.CommandLines, false, 10, false, 0, "Error! Bad return status", null, null);
        var entries = RepairReport.Build(plan, new Dictionary<string, RepairExecution> { [install.Key] = failed }, preview: false,
            Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal(new[] { RepairOutcome.Failed, RepairOutcome.Failed }, entries.Select(e => e.Result.Outcome));
        Assert.Equal(new[] { "DkmsBuildFailed", null }, entries.Select(e => e.Error?.ErrorId));
        Assert.Same(entries[0].Result, entries[0].Error!.Target);
    }
}
