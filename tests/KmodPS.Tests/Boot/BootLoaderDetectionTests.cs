using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Boot;

public sealed class BootLoaderDetectionTests
{
    [Fact]
    public void ARootWithoutBootLoaderIsUnknownWithAWarning()
    {
        var log = new DiagnosticLog();
        var next = new NextBootResolver(new DirectorySystemRoot(RepoPaths.Fixture("os-release"))).Resolve(log);
        Assert.Equal(BootLoaderKind.Unknown, next.Loader);
        Assert.Null(next.KernelVersion);
        Assert.NotEmpty(log.Warnings);
    }

    [Fact]
    public void GrubAndSystemdBootTogetherWithoutLoaderInfoAreUnknown()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-boot-");
        try
        {
            CopyTree(RepoPaths.Fixture("boot", "debian-default-0"), root.FullName);
            CopyTree(RepoPaths.Fixture("boot", "sdboot-glob", "boot", "efi"), Path.Combine(root.FullName, "boot", "efi"));
            var log = new DiagnosticLog();
            var next = new NextBootResolver(new DirectorySystemRoot(root.FullName)).Resolve(log);
            Assert.Equal(BootLoaderKind.Unknown, next.Loader);
            Assert.Contains(log.Warnings, w => w.Contains("LoaderInfo"));

            Directory.CreateDirectory(Path.Combine(root.FullName, "sys/firmware/efi/efivars"));
            File.WriteAllBytes(
                Path.Combine(root.FullName, "sys/firmware/efi/efivars/LoaderInfo-" + EfiVariables.LoaderGuid),
                new byte[] { 6, 0, 0, 0 }.Concat(System.Text.Encoding.Unicode.GetBytes("systemd-boot 252.39-1~deb12u1\0")).ToArray());
            Assert.Equal(BootLoaderKind.SystemdBoot, new NextBootResolver(new DirectorySystemRoot(root.FullName)).Resolve(new DiagnosticLog()).Loader);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
