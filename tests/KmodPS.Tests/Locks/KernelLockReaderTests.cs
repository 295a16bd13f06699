using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Locks;

public sealed class KernelLockReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-reader-" + Guid.NewGuid().ToString("N"));

    public KernelLockReaderTests()
    {
        Write("etc/dnf/plugins/versionlock.conf", "[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/custom.list\n");
        Write("etc/dnf/plugins/custom.list", LockFixtures.Text("versionlock.list"));
        Write("etc/dnf/versionlock.toml", LockFixtures.Text("versionlock.toml"));
        Write("var/lib/dpkg/status", LockFixtures.Text("dpkg-status-debian"));
        Write("etc/apt/preferences.d/kmodps-kernel-exclude.pref", LockFixtures.Text("apt-preferences"));
        Write("etc/apt/preferences.d/ignored.bak", LockFixtures.Text("apt-preferences"));
        Write("etc/zypp/locks", LockFixtures.Text("zypp-locks"));
        new LockStateFile(new DirectorySystemRoot(_root)).Write(new[]
        {
            new LockRecord(LockStore.DnfVersionlockList, "/etc/dnf/plugins/custom.list", "kernel-core-0:5.14.0-611.41.1.el9_7.*", "kernel-core", null, KernelLockKind.Pin, "5.14.0-611.41.1.el9_7.x86_64", DateTimeOffset.UnixEpoch),
        });
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ReadsEveryStoreOfARootAndMarksWhatKmodPSMade()
    {
        var log = new DiagnosticLog();
        var report = new KernelLockReader(new DirectorySystemRoot(_root)).Read(log);
        Assert.Empty(log.Warnings);
        var locks = report.Items;
        Assert.Equal(6, locks.Count(l => l.Source == "/etc/dnf/plugins/custom.list"));
        Assert.Equal(4, locks.Count(l => l.Source == "/etc/dnf/versionlock.toml"));
        Assert.Equal(2, locks.Count(l => l.Source == "apt-mark"));
        Assert.Single(locks, l => l.Source == "/etc/apt/preferences.d/kmodps-kernel-exclude.pref");
        Assert.Equal(3, locks.Count(l => l.Source == "/etc/zypp/locks"));
        var kmodps = Assert.Single(locks, l => l.IsKmodPS);
        Assert.Equal("kernel-core", kmodps.Package);
        Assert.All(locks, l => Assert.Equal(_root, l.Root));
    }

    [Fact]
    public void IsLockedMatchesPinsAndHoldsWithOrWithoutArchitecture()
    {
        var locks = new KernelLockReader(new DirectorySystemRoot(_root)).Read().Items;
        Assert.True(KernelLockReader.IsLocked(locks, "5.14.0-611.41.1.el9_7.x86_64"));
        Assert.True(KernelLockReader.IsLocked(locks, "5.14.0-611.41.1.el9_7"));
        Assert.False(KernelLockReader.IsLocked(locks, "5.14.0-611.41.1.el9_7.aarch64") && !locks.Any(l => l.KernelVersion == "5.14.0-611.41.1.el9_7.x86_64"));
        Assert.False(KernelLockReader.IsLocked(locks, "5.14.0-611.45.1.el9_7.x86_64"));
        Assert.True(KernelLockReader.IsLocked(locks, "6.1.0-55-amd64"));
        Assert.False(KernelLockReader.IsLocked(locks, "6.1.0-56-amd64"));
        Assert.False(KernelLockReader.IsLocked(locks, "6.1.0-57-amd64"));
        Assert.True(KernelLockReader.IsLocked(locks, "5.14.21-150500.55.39-default"));
    }

    [Fact]
    public void AnEmptyRootHasNoLocksAndACorruptStateFileIsAWarning()
    {
        var empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(Path.Combine(empty, "var/lib/kmodps"));
        Assert.Empty(new KernelLockReader(new DirectorySystemRoot(empty)).Read().Items);
        File.WriteAllText(Path.Combine(empty, "var/lib/kmodps/locks.json"), "{ not json");
        var log = new DiagnosticLog();
        Assert.Empty(new LockStateFile(new DirectorySystemRoot(empty)).Read(log));
        Assert.Contains("Cannot read the KmodPS lock state", Assert.Single(log.Warnings));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
