using KmodPS.Core.Dkms;
using KmodPS.Core.Platform;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Core;

public sealed class BuiltModuleComparerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kmodps-same-bytes-").FullName;

    public BuiltModuleComparerTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "built"));
        Directory.CreateDirectory(Path.Combine(_root, "installed"));
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(Path.Combine(_root, "built", "m.ko"), bytes);
        File.WriteAllBytes(Path.Combine(_root, "installed", "copy.ko"), bytes);
        bytes[150_000] ^= 1;
        File.WriteAllBytes(Path.Combine(_root, "installed", "changed.ko"), bytes);
        File.WriteAllBytes(Path.Combine(_root, "installed", "short.ko"), bytes[..100]);
        Shell.Stdout("ln", Path.Combine(_root, "built", "m.ko"), Path.Combine(_root, "installed", "hardlink.ko"));
        Shell.Stdout("mkfifo", Path.Combine(_root, "installed", "fifo.ko"));
    }

    [Theory]
    [InlineData("copy.ko", true)]
    [InlineData("hardlink.ko", true)]
    [InlineData("changed.ko", false)]
    [InlineData("short.ko", false)]
    [InlineData("missing.ko", true)]
    [InlineData("fifo.ko", true)]
    public async Task SameOnlyWhenTheBytesAreEqualOrCannotBeCompared(string installed, bool same)
    {
        var root = new DirectorySystemRoot(_root);
        // A FIFO must be refused, never opened for reading (that would wait for a writer forever).
        var answer = await Task.Run(() => BuiltModuleComparer.SameBytes(root, "/built/m.ko", "/installed/" + installed)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(same, answer);
    }

    public void Dispose() => Directory.Delete(_root, true);
}
