using System.Management.Automation;
using KmodPS.Core.Changes;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Changes;

/// <summary>
/// Issue 13: every changing cmdlet goes through the one pipeline. Each of the kill test's scenarios
/// (<see cref="ChangeKillLabTests.Scenarios"/>: real dnf, rpm and grub-editenv on a lab world copy) runs three ways:
/// with -WhatIf (nothing changes), with -Confirm:$false and a failure injected into <see cref="ChangeExecutor"/> (the
/// failure surfaces, and a reversible change leaves the root as it was; an irreversible one is stopped before its first
/// step), and plainly (the change is made). The injected failure only reaches a cmdlet that runs its change through
/// ChangeExecutor, so a cmdlet with a private path fails here.
/// </summary>
[Collection(ChangePipelineCollection.Name)]
public sealed class ChangePipelineTests
{
    // Package removal and module builds cannot be put back: their failure is injected before the first step.
    private static readonly string[] Irreversible = { "Remove-Kernel", "Repair-KernelModule" };

    // What the lock and the tools keep for themselves (the lock file, dnf's logs and caches) is not the change's.
    private static readonly string[] Housekeeping = { "/run/lock/kmodps.lock", "/var/lib/kmodps/kmodps.lock", "/var/log/", "/var/cache/", "/var/tmp/", "/tmp/" };
    private static readonly string[] LockDirectories = { "/run", "/run/lock", "/var/lib/kmodps", "/var/log", "/var/cache", "/var/tmp", "/tmp" };

    private readonly LabWorlds _lab;
    private readonly PowerShellSession _session;

    public ChangePipelineTests(LabWorlds lab, SharedSession shared)
    {
        _lab = lab;
        _session = shared.Session;
    }

    public static TheoryData<string> Cmdlets => ChangeKillLabTests.Cmdlets;

    [LabTheory]
    [MemberData(nameof(Cmdlets))]
    public void EveryChangingCmdletRunsThroughTheOnePipeline(string cmdlet)
    {
        var scenario = ChangeKillLabTests.Scenarios[cmdlet];
        var reversible = !Irreversible.Contains(cmdlet);
        using var root = ChangeKillLabTests.StartState(_lab, scenario, _session);
        var before = Tree(root.Path);

        var whatIf = Run($"{scenario.Command} -Root $root -WhatIf", root.Path);
        Assert.True(whatIf.Terminating is null && whatIf.Errors.Count == 0, $"-WhatIf: {Errors(whatIf)}");
        AssertSame(before, Tree(root.Path), $"{scenario.Command} -WhatIf");

        ChangeExecutor.InjectFailureAfterStep = reversible ? 1 : 0;
        PowerShellSession.Result failed;
        try
        {
            failed = Run($"{scenario.Command} -Root $root -Confirm:$false", root.Path);
        }
        finally
        {
            ChangeExecutor.InjectFailureAfterStep = null;
        }
        Assert.True(Errors(failed).Contains("injected failure", StringComparison.Ordinal), $"no injected failure surfaced: {Errors(failed)}");
        AssertSame(before, Tree(root.Path), $"{scenario.Command} with a failure after {(reversible ? "its first step" : "no step")}");

        var applied = Run($"{scenario.Command} -Root $root -Confirm:$false", root.Path);
        Assert.True(applied.Terminating is null && applied.Errors.Count == 0, $"{scenario.Command}: {Errors(applied)}");
        Assert.NotEqual(before, Tree(root.Path));
    }

    private PowerShellSession.Result Run(string script, string root) =>
        _session.Run(script + " -ErrorAction Continue", new Dictionary<string, object?> { ["root"] = root });

    private static string Errors(PowerShellSession.Result result) => string.Join(" | ", result.Errors.Append(result.Terminating).OfType<ErrorRecord>()
        .Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message} {e.Exception.InnerException?.Message}"));

    private static SortedDictionary<string, string> Tree(string root)
    {
        var entries = LabWorldCopy.Entries(root);
        foreach (var key in entries.Keys.Where(k => Housekeeping.Any(h => h.EndsWith('/') ? k.StartsWith(h, StringComparison.Ordinal) : k == h)).ToList())
        {
            entries.Remove(key);
        }
        foreach (var directory in LockDirectories.Where(d => entries.GetValueOrDefault(d)?.StartsWith("dir ", StringComparison.Ordinal) == true))
        {
            entries.Remove(directory);
        }
        return entries;
    }

    private static void AssertSame(SortedDictionary<string, string> before, SortedDictionary<string, string> after, string what) =>
        Assert.True(before.SequenceEqual(after), $"{what} changed the root:\n{LabWorldCopy.Diff(before, after)}");
}

/// <summary>The injected failure is process-wide: these tests run alone, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChangePipelineCollection : ICollectionFixture<LabWorlds>, ICollectionFixture<SharedSession>
{
    public const string Name = "ChangePipeline";
}
