using System.Text;
using KmodPS.Platform;

namespace KmodPS.Tests.Core;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReplacesKeepsABackupAndTheModeAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_directory, "versionlock.list");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var backup = Path.Combine(_directory, "backup", "versionlock.list.bak");
        AtomicFile.Write(path, Encoding.UTF8.GetBytes("new\n"), backup, mode: null);
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal("old\n", File.ReadAllText(backup));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "versionlock.list" }, Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void NeverWritesThroughAHardLink()
    {
        var cache = Path.Combine(_directory, "cache");
        File.WriteAllText(cache, "shared\n");
        var path = Path.Combine(_directory, "linked");
        Assert.Equal(0, Native.Link(cache, path));
        AtomicFile.Write(path, Encoding.UTF8.GetBytes("changed\n"), backupPath: null, mode: null);
        Assert.Equal("shared\n", File.ReadAllText(cache));
        Assert.Equal("changed\n", File.ReadAllText(path));
        AtomicFile.Delete(path, Path.Combine(_directory, "linked.bak"));
        Assert.False(File.Exists(path));
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(_directory, "linked.bak")));
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
        public static extern int Link(string existing, string created);
    }
}
