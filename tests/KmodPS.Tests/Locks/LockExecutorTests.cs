using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;
using static KmodPS.Tests.Locks.LockFixtures;

namespace KmodPS.Tests.Locks;

/// <summary>Lock-Kernel's and Unlock-Kernel's plans run by the one change executor, with a dnf that acts like the real one.</summary>
public sealed class LockExecutorTests : IDisposable
{
    private const string Original = "# mine\nbash-0:5.1.8-9.el9.*\n";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-executor-" + Guid.NewGuid().ToString("N"));

    public LockExecutorTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/dnf/plugins"));
        File.WriteAllText(ListPath, Original);
    }

    private string ListPath => Path.Combine(_root, "etc/dnf/plugins/versionlock.list");

    private DirectorySystemRoot Root => new(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void PinRunsThroughTheRootsLockListAndRecordsWhatWasAdded()
    {
        var (plan, snapshot) = Plan();
        var runner = new FakeDnfRunner();
        var outcome = Execute(plan, runner);
        Assert.True(outcome.Applied, outcome.Failure?.Message);
        Assert.Equal(6, runner.Requests.Count);
        Assert.Equal(6, Journal(plan).Added.Count);
        Assert.All(Journal(plan).Added, l => Assert.True(l.IsKmodPS));
        Assert.StartsWith(Original, File.ReadAllText(ListPath));
        var records = new LockStateFile(Root).Read(new DiagnosticLog());
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", r.KernelVersion));
        Assert.False(Directory.Exists(snapshot.TemporaryDirectory));

        var again = LockSnapshotFor(snapshot);
        var unlock = LockPlanner.Unlock(again, Array.Empty<string>(), all: false);
        Assert.True(Execute(unlock, runner).Applied);
        Assert.Equal(Original, File.ReadAllText(ListPath));
        Assert.Empty(new LockStateFile(Root).Read(new DiagnosticLog()));
        Assert.True(File.Exists(Path.Combine(_root, "var/lib/kmodps/backup/etc_dnf_plugins_versionlock.list.bak")));
        Assert.True(File.Exists(Path.Combine(_root, "var/lib/kmodps/locks.json.bak")));
    }

    [Fact]
    public void AnotherDnfHoldingTheLockIsPackageManagerLockedAndTheListIsRestored()
    {
        var (plan, snapshot) = Plan();
        var runner = new FakeDnfRunner();
        runner.Failures[3] = (200, "metadata already locked by 4242\n  The application with PID 4242 is: dnf\n");
        var outcome = Execute(plan, runner);
        Assert.Equal(("PackageManagerLocked", FailureCategory.ResourceUnavailable), (outcome.Failure!.ErrorId, outcome.Failure.Category));
        Assert.Contains("4242", outcome.Failure.Message);
        Assert.Equal(3, runner.Requests.Count);
        Assert.Equal(Original, File.ReadAllText(ListPath));
        Assert.False(File.Exists(Path.Combine(_root, LockStateFile.Path.TrimStart('/'))));
    }

    [Fact]
    public void AFailedPinWhoseListCannotBeRestoredIsRestoreFailedNamingTheFailureAndTheList()
    {
        var (plan, snapshot) = Plan();
        var runner = new FakeDnfRunner();
        // Two locks are in the list when the third dnf fails, leaving a directory where the list was: the restore
        // cannot rename the saved list over it (a real IOException, not a simulated one).
        runner.SideEffects[3] = () =>
        {
            File.Delete(ListPath);
            Directory.CreateDirectory(Path.Combine(ListPath, "left-by-dnf"));
        };
        runner.Failures[3] = (200, "metadata already locked by 4242\n");
        var outcome = Execute(plan, runner);
        Assert.Equal((ErrorIds.RestoreFailed, FailureCategory.WriteError), (outcome.Failure!.ErrorId, outcome.Failure.Category));
        Assert.StartsWith(ErrorIds.PackageManagerLocked + ": ", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(ListPath + " (should hold its previous content", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorIds.PackageManagerLocked, outcome.Failure.Cause?.ErrorId);
        Assert.Contains(outcome.Warnings, w => w.StartsWith("Could not restore " + ListPath, StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(ListPath, "left-by-dnf")));
    }

    [Fact]
    public void ALivePidInDnfsLockFileStopsBeforeAnythingRuns()
    {
        Directory.CreateDirectory(Path.Combine(_root, "var/cache/dnf"));
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30"))!;
        try
        {
            File.WriteAllText(Path.Combine(_root, "var/cache/dnf/metadata_lock.pid"), other.Id.ToString());
            var (plan, snapshot) = Plan();
            var runner = new FakeDnfRunner();
            var outcome = Execute(plan, runner);
            Assert.Equal("PackageManagerLocked", outcome.Failure!.ErrorId);
            Assert.Empty(runner.Requests);
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public void AMissingVersionlockCommandIsPluginMissing()
    {
        var (plan, snapshot) = Plan();
        var runner = new FakeDnfRunner();
        runner.Failures[1] = (1, "No such command: versionlock. Please use /usr/bin/dnf --help\n");
        var outcome = Execute(plan, runner);
        Assert.Equal("VersionlockPluginMissing", outcome.Failure!.ErrorId);
        Assert.Single(runner.Requests);
        Assert.Equal(Original, File.ReadAllText(ListPath));
    }

    [Fact]
    public void ACommandThatSucceedsWithoutWritingIsLockNotApplied()
    {
        var (plan, snapshot) = Plan();
        var outcome = Execute(plan, new FakeDnfRunner { ResolveNothing = true });
        Assert.Equal(("LockNotApplied", FailureCategory.InvalidResult), (outcome.Failure!.ErrorId, outcome.Failure.Category));
        Assert.Contains("kernel-core-0:5.14.0-611.41.1.el9_7.*", outcome.Failure.Message);
        Assert.Equal(Original, File.ReadAllText(ListPath));
    }

    [Fact]
    public void APinKilledAfterItsFirstCommandsLeavesLocksThatItsRecordedIntentStillClaims()
    {
        var (plan, snapshot) = Plan();
        // An exception the executor does not handle stands for a kill: no rollback, no confirmation.
        var runner = new FakeDnfRunner { SideEffects = { [4] = () => throw new InvalidOperationException("killed") } };
        Assert.Throws<InvalidOperationException>(() => Execute(plan, runner));
        var left = new LockStoreReader(Root).Read(new DiagnosticLog()).Entries.Where(e => e.Key.StartsWith("kernel", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, left.Count);
        var state = new LockStateFile(Root);
        Assert.True(state.HasIntent());
        Assert.Empty(state.Read(new DiagnosticLog()));

        var again = LockSnapshotFor(snapshot);
        Assert.Equal(left.Select(e => e.Key).Order(), again.Records.Select(r => r.Key).Order());
        Assert.All(again.Records, r => Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", r.KernelVersion));
        var unlock = LockPlanner.Unlock(again, Array.Empty<string>(), all: false);
        Assert.True(Execute(unlock, new FakeDnfRunner()).Applied);
        Assert.Equal(Original, File.ReadAllText(ListPath));
        Assert.False(state.HasIntent());
        Assert.Empty(state.Read(new DiagnosticLog()));
    }

    [Fact]
    public void ASnapshotMadeStaleByAnotherChangeIsRefusedBeforeAnythingRuns()
    {
        var (plan, snapshot) = Plan();
        File.AppendAllText(ListPath, "kernel-0:5.14.0-611.45.1.el9_7.*\n");
        var runner = new FakeDnfRunner();
        var outcome = Execute(plan, runner);
        Assert.Equal(ErrorIds.RootChangeInProgress, outcome.Failure?.ErrorId);
        Assert.Empty(runner.Requests);
        Assert.False(File.Exists(Path.Combine(_root, "var/lib/kmodps/locks.json")));
    }

    [Fact]
    public void AChangeHeldOffByAnotherHolderOfTheRootsLockIsRootChangeInProgressAndRunsNothing()
    {
        var (plan, snapshot) = Plan();
        Directory.CreateDirectory(Path.Combine(_root, "var/lib/kmodps"));
        using var other = new FileStream(Path.Combine(_root, "var/lib/kmodps", RootChangeLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Environment.SetEnvironmentVariable(RootChangeLock.WaitVariable, "0.2");
        try
        {
            var runner = new FakeDnfRunner();
            var outcome = Execute(plan, runner);
            Assert.Equal(ErrorIds.RootChangeInProgress, outcome.Failure?.ErrorId);
            Assert.Empty(runner.Requests);
            Assert.Equal(Original, File.ReadAllText(ListPath));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RootChangeLock.WaitVariable, null);
        }
    }

    [Theory]
    [InlineData("apt", 100, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (apt-get)", "PackageManagerLocked")]
    [InlineData("apt", 2, "dpkg: error: dpkg frontend lock was locked by another process with pid 77", "PackageManagerLocked")]
    [InlineData("zypper", 7, "System management is locked by the application with pid 77 (zypper).", "PackageManagerLocked")]
    [InlineData("dnf5", 1, "Failed to obtain rpm transaction lock. Another transaction is in progress.", "PackageManagerLocked")]
    [InlineData("dnf", 200, "metadata already locked by 4242", "PackageManagerLocked")]
    [InlineData("dnf", 1, "No such command: versionlock. Please use /usr/bin/dnf --help", "VersionlockPluginMissing")]
    [InlineData("apt", 100, "E: Unable to locate package linux-image-9", "LockNotApplied")]
    public void FailedCommandsAreClassifiedByTheirBackend(string tool, int exit, string stderr, string errorId)
    {
        var result = new CommandResult(new CommandRequest("tool", new[] { "x" }), exit, string.Empty, stderr, TimeSpan.Zero, false);
        Assert.Equal(errorId, LockBackends.All.Single(b => b.ToolPackage == tool).Classify(result, "6.1.0-56-amd64").ErrorId);
    }

    [Fact]
    public void WhatIfListsTheTemporaryFilesEveryCommandAndTheRecord()
    {
        var (plan, snapshot) = Plan();
        var lines = plan.Describe();
        Assert.StartsWith($"write {snapshot.TemporaryDirectory}/versionlock.conf: [main]; enabled = 1; locklist = {_root}/etc/dnf/plugins/versionlock.list", lines[0]);
        Assert.Equal(6, lines.Count(l => l.StartsWith($"HOME={snapshot.TemporaryDirectory} dnf --installroot={_root} ", StringComparison.Ordinal)));
        Assert.Equal($"record the change in {_root}/var/lib/kmodps/locks.json (backup {_root}/var/lib/kmodps/locks.json.bak)", lines[^1]);
        Assert.Equal($"Lock kernel 5.14.0-611.41.1.el9_7.x86_64 (pin its installed packages) under {_root}", plan.Action);
    }

    private ChangeOutcome Execute(ChangePlan plan, ICommandRunner runner) => new ChangeExecutor(Root, runner).Execute(plan);

    private (ChangePlan Plan, LockSnapshot Snapshot) Plan()
    {
        var snapshot = LockFixtures.Alma(Original, _root) with
        {
            Stores = new LockStoreReader(Root).Read(new DiagnosticLog()),
            TemporaryDirectory = Path.Combine(_root, "..", Path.GetFileName(_root) + "-tmp"),
        };
        return (LockPlanner.Pin(snapshot, "5.14.0-611.41.1.el9_7.x86_64"), snapshot);
    }

    // As LockSnapshotReader reads them: an unconfirmed intent claims the locks that appeared since it was recorded.
    private LockSnapshot LockSnapshotFor(LockSnapshot previous)
    {
        var stores = new LockStoreReader(Root).Read(new DiagnosticLog());
        var state = new LockStateFile(Root);
        return previous with { Stores = stores, Records = state.Read(new DiagnosticLog(), stores.Entries), IntentRecorded = state.HasIntent() };
    }
}
