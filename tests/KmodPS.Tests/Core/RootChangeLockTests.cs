using System.Diagnostics;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Core;

/// <summary>
/// The root's change lock: flock semantics (another open file description, another process), the bounded wait and its
/// RootChangeInProgress, re-entrance on one thread, release on dispose, and reads that never take it.
/// </summary>
public sealed class RootChangeLockTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-rootlock-" + Guid.NewGuid().ToString("N"));

    public RootChangeLockTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "var/lib"));
    }

    private DirectorySystemRoot Root => new(_root);

    private string LockFile => Path.Combine(_root, "var/lib/kmodps", RootChangeLock.FileName);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ASecondHolderWaitsTheBoundedTimeThenFailsWithRootChangeInProgress()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockFile)!);
        // .NET takes flock(LOCK_EX) for FileShare.None: a second open file description, as another process would hold.
        using var other = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var clock = Stopwatch.StartNew();
        var failure = RootChangeLock.TryAcquire(Root, out var held, Short);
        Assert.Null(held);
        Assert.Equal((ErrorIds.RootChangeInProgress, FailureCategory.ResourceUnavailable), (failure?.ErrorId, failure?.Category));
        Assert.Contains("Another KmodPS change holds the root " + _root, failure!.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, Short, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void TheLockIsHeldUntilDisposedAndLeavesNoFileBehind()
    {
        Assert.Null(RootChangeLock.TryAcquire(Root, out var held));
        using (held)
        {
            Assert.True(held!.Owns);
            Assert.Equal(Environment.ProcessId.ToString() + "\n", ReadWithoutLocking(LockFile));
            Assert.Throws<IOException>(() => new FileStream(LockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
        }
        Assert.False(File.Exists(LockFile));
        Assert.False(Directory.Exists(Path.GetDirectoryName(LockFile)));
        Assert.Null(RootChangeLock.TryAcquire(Root, out var again, Short));
        again!.Dispose();
    }

    [Fact]
    public void ItIsReentrantOnOneThreadAndExclusiveForOtherThreads()
    {
        Assert.Null(RootChangeLock.TryAcquire(Root, out var outer));
        Assert.Null(RootChangeLock.TryAcquire(Root, out var inner, TimeSpan.Zero));
        inner!.Dispose();
        Assert.Equal(ErrorIds.RootChangeInProgress, OnAnotherThread()?.ErrorId);
        outer!.Dispose();
        Assert.Null(OnAnotherThread());
    }

    // A thread of its own: a pool thread (Task.Run) may be this very thread, which the lock lets in again.
    private Failure? OnAnotherThread()
    {
        Failure? failure = null;
        var thread = new Thread(() =>
        {
            failure = RootChangeLock.TryAcquire(Root, out var held, Short);
            held?.Dispose();
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        return failure;
    }

    [Fact]
    public void AnotherProcessHoldingItIsWaitedForUntilItExits()
    {
        if (FindProgram("flock") is not { } flock)
        {
            Assert.Fail("util-linux flock(1) is needed to hold the lock from another process");
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(LockFile)!);
        var start = new ProcessStartInfo(flock) { ArgumentList = { LockFile, "sleep", "1" } };
        using var holder = Process.Start(start)!;
        WaitUntil(() => IsLockedByAnother(LockFile));
        var clock = Stopwatch.StartNew();
        Assert.Null(RootChangeLock.TryAcquire(Root, out var held, TimeSpan.FromSeconds(20)));
        held!.Dispose();
        Assert.True(holder.WaitForExit(5000));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ReadsNeverTakeIt()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/dnf/plugins"));
        File.WriteAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list"), "kernel-0:5.14.0-611.41.1.el9_7.*\n");
        Assert.Null(RootChangeLock.TryAcquire(Root, out var held));
        using (held)
        {
            var read = Task.Run(() => new KernelLockReader(Root).Read());
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))));
            Assert.Single((await read).Items);
        }
    }

    [Fact]
    public void TheBoundedWaitIsConfigurable()
    {
        Environment.SetEnvironmentVariable(RootChangeLock.WaitVariable, "1.5");
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(1.5), RootChangeLock.ConfiguredWait);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RootChangeLock.WaitVariable, null);
        }
        Assert.Equal(RootChangeLock.DefaultWait, RootChangeLock.ConfiguredWait);
    }

    [Fact]
    public void TheRootsRunLockIsPreferredAndALinkedDirectoryStaysInsideTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, "run/lock"));
        Assert.Equal(Path.Combine(_root, "run/lock"), RootChangeLock.LockDirectory(Root));
        Directory.Delete(Path.Combine(_root, "run/lock"));
        Directory.CreateDirectory(Path.Combine(_root, "srv/locks"));
        File.CreateSymbolicLink(Path.Combine(_root, "run/lock"), "/srv/locks");
        Assert.Equal(Path.Combine(_root, "srv/locks"), RootChangeLock.LockDirectory(Root));
    }

    [Fact]
    public void TemporaryDirectoriesOfExitedProcessesAreReclaimedAndOwnOnesKept()
    {
        using var exited = Process.Start(new ProcessStartInfo("true"))!;
        exited.WaitForExit();
        var abandoned = Path.Combine(Path.GetTempPath(), $"kmodps-{exited.Id}.1-0123456789ab");
        Directory.CreateDirectory(Path.Combine(abandoned, "plugins"));
        var own = TemporaryDirectories.Create();
        try
        {
            TemporaryDirectories.ReclaimAbandoned();
            Assert.False(Directory.Exists(abandoned));
            Assert.True(own.Exists);
            Assert.Matches($"^kmodps-{Environment.ProcessId}\\.\\d+-[0-9a-f]{{12}}$", own.Name);
        }
        finally
        {
            own.Delete(recursive: true);
        }
    }

    private static string ReadWithoutLocking(string path)
    {
        // A FileStream would ask for a shared flock and fail while the lock is held; /proc/self/fd does not help either, so cat.
        var start = new ProcessStartInfo("cat") { ArgumentList = { path }, RedirectStandardOutput = true };
        using var cat = Process.Start(start)!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }

    private static bool IsLockedByAnother(string path)
    {
        try
        {
            new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    private static string? FindProgram(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
