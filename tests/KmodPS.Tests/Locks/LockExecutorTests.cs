using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Locks;

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
        var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
        Assert.True(outcome.Succeeded, outcome.Failure?.Message);
        Assert.Equal(6, runner.Requests.Count);
        Assert.Equal(6, outcome.Added.Count);
        Assert.All(outcome.Added, l => Assert.True(l.IsKmodPS));
        Assert.StartsWith(Original, File.ReadAllText(ListPath));
        var records = new LockStateFile(Root).Read(new DiagnosticLog());
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", r.KernelVersion));
        Assert.False(Directory.Exists(snapshot.TemporaryDirectory));

        var again = LockSnapshotFor(snapshot);
        var unlock = LockPlanner.Unlock(again, Array.Empty<string>(), all: false);
        Assert.True(new LockExecutor(Root, runner).Execute(unlock, again).Succeeded);
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
        var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
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
        var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
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
            var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
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
        var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
        Assert.Equal("VersionlockPluginMissing", outcome.Failure!.ErrorId);
        Assert.Single(runner.Requests);
        Assert.Equal(Original, File.ReadAllText(ListPath));
    }

    [Fact]
    public void ACommandThatSucceedsWithoutWritingIsLockNotApplied()
    {
        var (plan, snapshot) = Plan();
        var outcome = new LockExecutor(Root, new FakeDnfRunner { ResolveNothing = true }).Execute(plan, snapshot);
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
        Assert.Throws<InvalidOperationException>(() => new LockExecutor(Root, runner).Execute(plan, snapshot));
        var left = LockEntries.From(new LockStoreReader(Root).Read(new DiagnosticLog())).Where(e => e.Key.StartsWith("kernel", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, left.Count);
        var state = new LockStateFile(Root);
        Assert.True(state.HasIntent());
        Assert.Empty(state.Read(new DiagnosticLog()));

        var again = LockSnapshotFor(snapshot);
        Assert.Equal(left.Select(e => e.Key).Order(), again.Records.Select(r => r.Key).Order());
        Assert.All(again.Records, r => Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", r.KernelVersion));
        var unlock = LockPlanner.Unlock(again, Array.Empty<string>(), all: false);
        Assert.True(new LockExecutor(Root, new FakeDnfRunner()).Execute(unlock, again).Succeeded);
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
        var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
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
            var outcome = new LockExecutor(Root, runner).Execute(plan, snapshot);
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
    [InlineData(LockStore.DpkgHold, 100, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (apt-get)", "PackageManagerLocked")]
    [InlineData(LockStore.DpkgHold, 2, "dpkg: error: dpkg frontend lock was locked by another process with pid 77", "PackageManagerLocked")]
    [InlineData(LockStore.ZyppLocks, 7, "System management is locked by the application with pid 77 (zypper).", "PackageManagerLocked")]
    [InlineData(LockStore.DnfVersionlockToml, 1, "Failed to obtain rpm transaction lock. Another transaction is in progress.", "PackageManagerLocked")]
    [InlineData(LockStore.DpkgHold, 100, "E: Unable to locate package linux-image-9", "LockNotApplied")]
    public void FailedCommandsAreClassified(LockStore store, int exit, string stderr, string errorId)
    {
        var result = new CommandResult(new CommandRequest("tool", new[] { "x" }), exit, string.Empty, stderr, TimeSpan.Zero, false);
        Assert.Equal(errorId, CommandFailureClassifier.Classify(result, store, "6.1.0-56-amd64").ErrorId);
    }

    private (LockPlan Plan, LockSnapshot Snapshot) Plan()
    {
        var snapshot = LockFixtures.Alma(Original, _root) with { TemporaryDirectory = Path.Combine(_root, "..", Path.GetFileName(_root) + "-tmp") };
        return (LockPlanner.Pin(snapshot, "5.14.0-611.41.1.el9_7.x86_64"), snapshot);
    }

    // As LockSnapshotReader reads them: an unconfirmed intent claims the locks that appeared since it was recorded.
    private LockSnapshot LockSnapshotFor(LockSnapshot previous)
    {
        var stores = new LockStoreReader(Root).Read(new DiagnosticLog());
        return previous with { Stores = stores, Records = new LockStateFile(Root).Read(new DiagnosticLog(), LockEntries.From(stores)) };
    }
}
