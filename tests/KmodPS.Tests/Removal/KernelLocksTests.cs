using System.Net.Sockets;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;
using KmodPS.Core.Removal;
using KmodPS.Tests.Engine;
using static KmodPS.Tests.Removal.RemovalFixtures;

namespace KmodPS.Tests.Removal;

/// <summary>Remove-Kernel's lock check through the shared KernelLockReader.LocksKeeping: pins and holds protect, excludes do not.</summary>
public sealed class KernelLocksTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-locks-");

    public void Dispose() => _temp.Delete(true);

    private DirectorySystemRoot Root(string fixture, params (string Path, string Text)[] files)
    {
        var root = Path.Combine(_temp.FullName, fixture);
        Lab.Shell.Stdout("cp", "-a", RepoPaths.Fixture("roots", fixture), root);
        foreach (var (path, text) in files)
        {
            var real = Path.Combine(root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(real)!);
            File.WriteAllText(real, text);
        }
        return new DirectorySystemRoot(root);
    }

    [Fact]
    public void VersionlockPinProtectsItsKernelAndAnExcludeDoesNot()
    {
        var root = Root("alma-basic", ("/etc/dnf/plugins/versionlock.list",
            "# Added lock on Mon Nov 23 2026\nkernel-core-0:5.14.0-611.41.1.el9_7.*\n!kernel-core-0:5.14.0-611.45.1.el9_7.*\n"));
        Assert.Contains("5.14.0-611.41.1.el9_7", Assert.Single(Locked(root, K41, out var failure)!), StringComparison.Ordinal);
        Assert.Null(failure);
        Assert.Empty(Locked(root, K45, out _)!);
        Assert.Empty(Locked(root, K49, out _)!);
    }

    [Fact]
    public void AnUnreadableLockStoreIsLockStateUnknownNotUnlocked()
    {
        var root = Root("alma-basic");
        var list = root.MapPath("/etc/dnf/plugins/versionlock.list");
        Directory.CreateDirectory(Path.GetDirectoryName(list)!);
        // A socket where the list should be: it exists, but open() fails (ENXIO) even for root.
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(list));
        Assert.Null(Locked(root, K41, out var failure));
        Assert.Equal((ErrorIds.LockStateUnknown, FailureCategory.ReadError, K41), (failure?.ErrorId, failure?.Category, failure?.Target));
        Assert.Contains("versionlock.list", failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DpkgHoldProtectsTheDebianKernel()
    {
        var status = File.ReadAllText(RepoPaths.Fixture("roots", "debian-merged", "var", "lib", "dpkg", "status"));
        var root = Root("debian-merged", ("/var/lib/dpkg/status", status.Replace("Status: install ok installed", "Status: hold ok installed", StringComparison.Ordinal)));
        Assert.Contains("Hold", Assert.Single(Locked(root, "6.1.0-10-amd64", out _)!), StringComparison.Ordinal);
        Assert.Empty(Locked(root, "6.1.0-9-amd64", out _)!);
    }

    [Fact]
    public void NoLockStoreMeansNoLock()
    {
        Assert.Empty(Locked(Root("alma-basic"), K41, out var failure)!);
        Assert.Null(failure);
    }

    private static IReadOnlyList<string>? Locked(DirectorySystemRoot root, string kernelVersion, out Failure? failure)
    {
        var report = new KmodPS.Core.Locks.KernelLockReader(root).LocksKeeping(kernelVersion);
        failure = report.Failures.FirstOrDefault();
        return failure is null ? report.Items : null;
    }
}
