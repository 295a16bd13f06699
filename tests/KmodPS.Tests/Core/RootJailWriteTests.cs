using System.Security.Cryptography;
using System.Text;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Core;

/// <summary>
/// The jailed writer against hostile trees: every link in a root is followed the way a chroot would, and no byte
/// outside the root changes. Each case runs with openat2 and with the userspace walk that replaces it on old kernels.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RootJailWriteTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "kmodps-jail-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;

    public RootJailWriteTests()
    {
        _root = Path.Combine(_base, "root");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "victim"), "host content\n");
        Directory.CreateDirectory(Path.Combine(_outside, "dir"));
        File.WriteAllText(Path.Combine(_outside, "dir", "versionlock.list"), "kernel-0:1.0-1.*\n");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    public static TheoryData<bool> Walks => new() { false, true };

    [Fact]
    public void ReplacesKeepsABackupAndTheModeAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_root, "etc", "versionlock.list");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        new RootJail(_root).WriteFile("/etc/versionlock.list", Encoding.UTF8.GetBytes("new\n"), backupPath: "/var/lib/kmodps/backup/versionlock.list.bak");
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal("old\n", File.ReadAllText(Path.Combine(_root, "var/lib/kmodps/backup/versionlock.list.bak")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "versionlock.list" }, Directory.GetFiles(Path.Combine(_root, "etc")).Select(Path.GetFileName));
    }

    [Fact]
    public void AWriteOrDeleteRemovesTheTemporariesThatKilledWritersLeftInItsDirectory()
    {
        // What a writer SIGKILLed between creating its temporary file and the rename leaves in the directory.
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        var etc = Path.Combine(_root, "etc");
        string Temporary(string name, string owner)
        {
            var path = Path.Combine(etc, $".{name}.kmodps-{owner}-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(path, "partial");
            return path;
        }
        Temporary("hook", $"{exited.Id}.1");
        Temporary("locks.json", $"{exited.Id}.1");
        var live = Temporary("hook", TemporaryDirectories.OwnerTag);
        var jail = new RootJail(_root);
        jail.WriteFile("/etc/hook", Encoding.UTF8.GetBytes("#!/bin/sh\n"));
        Assert.Equal(new[] { live, Path.Combine(etc, "hook") }.Order(StringComparer.Ordinal), Directory.GetFiles(etc).Order(StringComparer.Ordinal));
        Temporary("hook", $"{exited.Id}.1");
        jail.DeleteFile("/etc/hook");
        Assert.Equal(new[] { live }, Directory.GetFiles(etc));
    }

    [Fact]
    public void NeverWritesThroughAHardLink()
    {
        var cache = Path.Combine(_root, "etc", "cache");
        File.WriteAllText(cache, "shared\n");
        Assert.Equal(0, Native.Link(cache, Path.Combine(_root, "etc", "linked")));
        var jail = new RootJail(_root);
        jail.WriteFile("/etc/linked", Encoding.UTF8.GetBytes("changed\n"));
        Assert.Equal("shared\n", File.ReadAllText(cache));
        jail.DeleteFile("/etc/linked", "/etc/linked.bak");
        Assert.False(File.Exists(Path.Combine(_root, "etc", "linked")));
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(_root, "etc", "linked.bak")));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void AnAbsoluteFileLinkIsFollowedInsideTheRoot(bool userspace)
    {
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "grubenv"), Path.Combine(_outside, "victim"));
        var before = Snapshot();
        var jail = Jail(userspace);
        jail.WriteFile("/etc/grubenv", Encoding.UTF8.GetBytes("saved_entry=x\n"), backupPath: "/etc/grubenv" + RootJail.BackupSuffix);
        Assert.Equal(before, Snapshot());
        Assert.Equal("saved_entry=x\n", File.ReadAllText(Path.Combine(_root, _outside.TrimStart('/'), "victim")));
        Assert.False(File.Exists(Path.Combine(_root, "etc", "grubenv" + RootJail.BackupSuffix)), "no host content is copied into a backup");
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void AnAbsoluteDirectoryLinkIsFollowedInsideTheRoot(bool userspace)
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc", "dnf"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc", "dnf", "plugins"), Path.Combine(_outside, "dir"));
        var before = Snapshot();
        var jail = Jail(userspace);
        jail.WriteFile("/etc/dnf/plugins/versionlock.list", Array.Empty<byte>());
        jail.DeleteFile("/etc/dnf/plugins/versionlock.list");
        Assert.Equal(before, Snapshot());
        Assert.True(Directory.Exists(Path.Combine(_root, _outside.TrimStart('/'), "dir")));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void RelativeLinksAndDotDotStopAtTheRoot(bool userspace)
    {
        var depth = string.Concat(Enumerable.Repeat("../", 12));
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc", "kernel"), depth + _outside.TrimStart('/') + "/dir");
        var before = Snapshot();
        var jail = Jail(userspace);
        jail.WriteFile("/etc/kernel/install.d/90-kmodps.install", Encoding.UTF8.GetBytes("#!/bin/sh\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        jail.WriteFile("/var/../../../../etc/../" + depth + "state.json", Encoding.UTF8.GetBytes("{}\n"));
        Assert.Equal(before, Snapshot());
        Assert.True(File.Exists(Path.Combine(_root, _outside.TrimStart('/'), "dir", "install.d", "90-kmodps.install")));
        Assert.True(File.Exists(Path.Combine(_root, "state.json")));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void ALoopIsPathOutsideRootAndNothingChanges(bool userspace)
    {
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "grubenv"), "/etc/grubenv");
        var before = Snapshot();
        var rootBefore = Tree(_root);
        var error = Assert.Throws<PathOutsideRootException>(() => Jail(userspace).WriteFile("/etc/grubenv/x", new byte[] { 1 }));
        Assert.Equal("/etc/grubenv/x", error.TreePath);
        Assert.Equal(before, Snapshot());
        Assert.Equal(rootBefore, Tree(_root));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void ADecoyNamedLikeTheTargetIsReplacedNotFollowed(bool userspace)
    {
        // A link named like a temporary file the writer might pick: O_EXCL|O_NOFOLLOW never opens through it.
        File.CreateSymbolicLink(Path.Combine(_root, "etc", ".versionlock.list.kmodps.tmp"), Path.Combine(_outside, "victim"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "versionlock.list.kmodps.bak"), Path.Combine(_outside, "victim"));
        var before = Snapshot();
        Jail(userspace).WriteFile("/etc/versionlock.list", Encoding.UTF8.GetBytes("a\n"));
        Jail(userspace).WriteFile("/etc/versionlock.list", Encoding.UTF8.GetBytes("b\n"), backupPath: "/etc/versionlock.list.kmodps.bak");
        Assert.Equal(before, Snapshot());
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(_root, _outside.TrimStart('/'), "victim")));
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void ALinkSwappedInAfterResolvingIsPathOutsideRootAndNothingChanges(bool userspace)
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc", "dnf", "plugins"));
        var jail = Jail(userspace);
        jail.AfterResolve = _ =>
        {
            Directory.Delete(Path.Combine(_root, "etc", "dnf", "plugins"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "etc", "dnf", "plugins"), Path.Combine(_outside, "dir"));
        };
        var before = Snapshot();
        Assert.Throws<PathOutsideRootException>(() => jail.WriteFile("/etc/dnf/plugins/versionlock.list", Array.Empty<byte>()));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task AFifoWhereAFileIsExpectedIsAnErrorNotAHang()
    {
        Assert.Equal(0, Native.MakeFifo(Path.Combine(_root, "etc", "grubenv"), 0x1a4));
        var write = Task.Run(() => new RootJail(_root).WriteFile("/etc/grubenv", new byte[] { 1 }, backupPath: "/etc/grubenv.kmodps.bak"));
        Assert.True(await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(10))) == write, "the write hung on a FIFO");
        Assert.IsAssignableFrom<IOException>(write.Exception?.InnerException);
    }

    [Fact]
    public void ToolPathsHaveNoLinkLeftAndPrefixToolsAreRefusedWhenTheHostWouldFollowALinkOut()
    {
        Directory.CreateDirectory(Path.Combine(_root, "boot", "grub2"));
        File.CreateSymbolicLink(Path.Combine(_root, "boot", "grub2", "grubenv"), "../grubenv-real");
        Directory.CreateDirectory(Path.Combine(_root, "var", "lib"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "var", "lib", "dpkg"), Path.Combine(_outside, "dir"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "var", "lib", "apt"), "../apt-real");
        var jail = new RootJail(_root);
        Assert.Equal(Path.Combine(_root, "boot", "grubenv-real"), jail.ToolPath("/boot/grub2/grubenv"));
        jail.RequireSameForPrefixTools("/var/lib/apt", "/etc/apt");
        Assert.Throws<PathOutsideRootException>(() => jail.RequireSameForPrefixTools("/var/lib/dpkg"));
    }

    [Fact]
    public void LinksAndTimesOfANewTreeStayInsideIt()
    {
        var jail = new RootJail(_root);
        jail.CreateSymbolicLink("/usr/src/m-1/source", _outside);
        jail.WriteFile("/usr/src/m-1/source/dkms.conf", Encoding.UTF8.GetBytes("PACKAGE_NAME=m\n"));
        jail.SetLastWriteTimeUtc("/usr/src/m-1/source/dkms.conf", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.False(File.Exists(Path.Combine(_outside, "dkms.conf")));
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Path.Combine(_root, _outside.TrimStart('/'), "dkms.conf")));
        Assert.True(jail.DeleteEmptyDirectory("/usr/src/m-1/source/../../m-2") is false);
    }

    private RootJail Jail(bool userspace) => new(_root) { WithoutOpenat2 = userspace };

    private string Snapshot() => Tree(_outside);

    // Every entry below a directory with its kind and content hash, links not followed.
    internal static string Tree(string directory) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) switch
            {
                { LinkTarget: { } target } => $"{p} -> {target}",
                var f when (f.Attributes & FileAttributes.Directory) != 0 => $"{p}/",
                _ => $"{p} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))} {File.GetUnixFileMode(p)}",
            }));

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
        public static extern int Link(string existing, string created);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        public static extern int MakeFifo(string path, uint mode);
    }
}
