using System.Management.Automation;
using KmodPS.Core.Changes;
using KmodPS.Core.TestRoots;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Changes;

/// <summary>
/// Issue 13: every changing cmdlet goes through the one pipeline. Each runs on a fresh New-KmodTestRoot tree three ways:
/// with -WhatIf (nothing changes), with -Confirm:$false and a failure injected into <see cref="ChangeExecutor"/> (the
/// failure surfaces, and a reversible change leaves the root as it was; an irreversible one is stopped before its first
/// step), and plainly (the change is made). The injected failure only reaches a cmdlet that runs its change through
/// ChangeExecutor, so a cmdlet with a private path fails here.
/// </summary>
[Collection(ChangePipelineCollection.Name)]
public sealed class ChangePipelineTests : IDisposable
{
    private const string AlmaGood = "5.14.0-611.41.1.el9_7.x86_64";
    private const string AlmaBroken = "5.14.0-611.45.1.el9_7.x86_64";
    private const string DebianOld = "6.1.0-55-amd64";
    private const string DebianNew = "6.1.0-56-amd64";

    // The lock file a change creates, and the directories it may create for it, are the lock's, not the change's.
    private static readonly string[] LockFiles = { "/run/lock/kmodps.lock", "/var/lib/kmodps/kmodps.lock" };
    private static readonly string[] LockDirectories = { "/run", "/run/lock", "/var/lib/kmodps" };

    private readonly PowerShellSession _session;
    private readonly LabWorlds _lab;
    private readonly LabWorldCopy _roots = new();

    public ChangePipelineTests(SharedSession shared, LabWorlds lab)
    {
        _session = shared.Session;
        _lab = lab;
    }

    public void Dispose()
    {
        ChangeExecutor.InjectFailureAfterStep = null;
        _roots.Dispose();
    }

    /// <summary>A changing command, what it needs done first, and whether its change can be put back.</summary>
    /// <param name="World">A lab world to copy instead of the scenario's test root, where the change needs real tools (dnf and its rpm database, dkms in a chroot).</param>
    public sealed record PipelineCase(TestRootScenario Scenario, string Command, string? Setup, bool Reversible, string? World = null)
    {
        public override string ToString() => $"{World ?? Scenario.ToString()}: {Command}";
    }

    public static TheoryData<PipelineCase> Cases() => new()
    {
        new(TestRootScenario.AlmaNvidiaKmodMissing, $"Lock-Kernel {AlmaGood}", null, Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, "Unlock-Kernel -All", $"Lock-Kernel {AlmaGood}", Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, $"Set-DefaultKernel {AlmaGood}", null, Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, "Install-KernelUpdateGuard", null, Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, "Uninstall-KernelUpdateGuard", "Install-KernelUpdateGuard", Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, $"Invoke-KernelUpdateGuard {AlmaBroken}", "Install-KernelUpdateGuard", Reversible: true),
        new(TestRootScenario.AlmaNvidiaKmodMissing, $"Remove-Kernel {AlmaBroken} -Force", null, Reversible: false, World: "alma-nvidia-after"),
        new(TestRootScenario.DebianDkmsStale, $"Lock-Kernel {DebianOld}", null, Reversible: true),
        new(TestRootScenario.DebianDkmsStale, "Unlock-Kernel -All", $"Lock-Kernel {DebianOld}", Reversible: true),
        new(TestRootScenario.DebianDkmsStale, $"Set-DefaultKernel {DebianNew} -Force", null, Reversible: true),
        new(TestRootScenario.DebianDkmsStale, "Repair-KernelModule -Name v4l2loopback", null, Reversible: false, World: "debian-chroot"),
    };

    [LabTheory]
    [MemberData(nameof(Cases))]
    public void EveryChangingCmdletRunsThroughTheOnePipeline(PipelineCase change)
    {
        var root = NewRoot(change);
        var before = Tree(root);

        var whatIf = Run($"{change.Command} -Root $root -WhatIf", root);
        Assert.Null(whatIf.Terminating);
        Assert.Empty(whatIf.Errors);
        AssertSame(before, Tree(root), $"{change.Command} -WhatIf");

        ChangeExecutor.InjectFailureAfterStep = change.Reversible ? 1 : 0;
        PowerShellSession.Result failed;
        try
        {
            failed = Run($"{change.Command} -Root $root -Confirm:$false", root);
        }
        finally
        {
            ChangeExecutor.InjectFailureAfterStep = null;
        }
        var errors = failed.Errors.Append(failed.Terminating).OfType<ErrorRecord>().ToList();
        Assert.Contains(errors, e => Describe(e).Contains("injected failure", StringComparison.Ordinal));
        AssertSame(before, Tree(root), $"{change.Command} with a failure after {(change.Reversible ? "its first step" : "no step")}");

        var applied = Run($"{change.Command} -Root $root -Confirm:$false", root);
        Assert.Null(applied.Terminating);
        Assert.Empty(applied.Errors);
        Assert.NotEqual(before, Tree(root));
    }

    private string NewRoot(PipelineCase change)
    {
        string root;
        if (change.World is { } world)
        {
            root = world == "debian-chroot" ? _roots.CopyChroot(_lab.Dir(world)) : _roots.Copy(_lab.Dir(world));
        }
        else
        {
            root = Path.Combine(_roots.Directory(), "root");
            TestRootBuilder.Build(root, change.Scenario);
        }
        if (change.Setup is { } setup)
        {
            var prepared = Run($"{setup} -Root $root -Confirm:$false", root);
            Assert.True(prepared.Terminating is null && prepared.Errors.Count == 0, $"setup '{setup}' failed: {string.Join("; ", prepared.Errors.Append(prepared.Terminating).OfType<ErrorRecord>().Select(Describe))}");
        }
        return root;
    }

    private PowerShellSession.Result Run(string script, string root) =>
        _session.Run(script + " -WarningAction SilentlyContinue -ErrorAction Continue", new Dictionary<string, object?> { ["root"] = root });

    private static string Describe(ErrorRecord error) =>
        $"{error.FullyQualifiedErrorId}: {error.Exception.Message} {error.Exception.InnerException?.Message}";

    private static SortedDictionary<string, string> Tree(string root)
    {
        var entries = LabWorldCopy.Entries(root);
        foreach (var lockFile in LockFiles)
        {
            entries.Remove(lockFile);
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
public sealed class ChangePipelineCollection : ICollectionFixture<SharedSession>, ICollectionFixture<LabWorlds>
{
    public const string Name = "ChangePipeline";
}
