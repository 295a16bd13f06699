using KmodPS.Core.Boot;
using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using static KmodPS.Tests.Removal.RemovalFixtures;

namespace KmodPS.Tests.Guard;

public sealed class GuardPlannerTests
{
    private static readonly HashSet<string> AllBootable = new() { K41, K45, K49 };

    private static GuardDecisionPlan Decide(string kernel, string? next, bool promote, params ModuleStatus[] rows) =>
        GuardPlanner.Decide(kernel, KernelHealth.Evaluate(new[] { K41, K45, K49 }, rows), AllBootable,
            new NextBoot(BootLoaderKind.GrubBls, next, next, false, "test"), promote);

    private static readonly ModuleStatus[] Incident =
    {
        Row(K41, "nvidia", ModuleState.Installed), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing),
    };

    [Fact]
    public void NewUnhealthyKernelThatBecameTheDefaultIsRolledBackToTheNewestHealthyOne()
    {
        var decision = Decide(K45, K45, false, Incident);
        Assert.Equal(GuardAction.RolledBack, decision.Action);
        Assert.Equal(K41, decision.Target);
        Assert.False(decision.Health.IsHealthy);
        Assert.Contains("nvidia (Missing)", decision.Summary, StringComparison.Ordinal);
        Assert.Contains($"moved from {K45} to {K41}", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void NewUnhealthyKernelLeavesAHealthyDefaultAlone()
    {
        var decision = Decide(K45, K41, true, Incident);
        Assert.Equal(GuardAction.None, decision.Action);
        Assert.Null(decision.Target);
        Assert.Contains($"stays on {K41}", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthyKernelIsPromotedOnlyWithPromote()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Installed) };
        Assert.Equal((GuardAction.None, (string?)null), (Decide(K49, K41, false, rows).Action, Decide(K49, K41, false, rows).Target));
        var promoted = Decide(K49, K41, true, rows);
        Assert.Equal((GuardAction.Promoted, K49), (promoted.Action, promoted.Target));
        Assert.Equal(K49, promoted.LastHealthyKernel);
    }

    [Fact]
    public void PromoteNeverMovesTheDefaultBackToAnOlderKernel()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K49, "nvidia", ModuleState.Installed) };
        Assert.Equal(GuardAction.None, Decide(K41, K49, true, rows).Action);
    }

    [Fact]
    public void NoHealthyKernelChangesNothing()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Stale), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        var decision = Decide(K49, K49, true, rows);
        Assert.Equal(GuardAction.NoHealthyKernel, decision.Action);
        Assert.Null(decision.Target);
        Assert.Null(decision.LastHealthyKernel);
    }

    [Fact]
    public void UnknownNextBootIsMadeExplicitOnTheNewestHealthyKernel()
    {
        var decision = Decide(K45, null, false, Incident);
        Assert.Equal((GuardAction.RolledBack, K41), (decision.Action, decision.Target));
        Assert.Contains("cannot be determined", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelWithoutBootEntryIsNotATarget()
    {
        var health = KernelHealth.Evaluate(new[] { K41, K45, K49 }, new[] { Row(K45, "nvidia", ModuleState.Missing) });
        var decision = GuardPlanner.Decide(K45, health, new HashSet<string> { K41, K45 }, new NextBoot(BootLoaderKind.GrubBls, K45, K45, false, "t"), false);
        Assert.Equal(K41, decision.Target);
    }
}
