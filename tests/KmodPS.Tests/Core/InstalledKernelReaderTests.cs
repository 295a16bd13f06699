using KmodPS.Core.Hosts;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Core;

public sealed class InstalledKernelReaderTests
{
    [Fact]
    public void FindsKernelsFromModulesAndBootSortedByVersion()
    {
        var root = new DirectorySystemRoot(RepoPaths.Fixture("roots", "alma-basic"));
        var report = new InstalledKernelReader(root).Read();
        Assert.Equal(new[] { "5.14.0-611.9.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64" }, report.Items.Select(k => k.KernelVersion));
        var newest = report.Items[1];
        Assert.True(newest.HasHeaders);
        Assert.Equal("/usr/src/kernels/5.14.0-611.41.1.el9_7.x86_64", newest.HeadersPath);
        Assert.Equal("/boot/vmlinuz-5.14.0-611.41.1.el9_7.x86_64", newest.ImagePath);
        Assert.False(report.Items[0].HasHeaders);
        Assert.All(report.Items, k => Assert.False(k.IsRunning));
    }

    [Fact]
    public void IgnoresRescueImagesAndWarnsAboutInvalidNames()
    {
        var root = new DirectorySystemRoot(RepoPaths.Fixture("roots", "debian-merged"));
        var report = new InstalledKernelReader(root).Read();
        Assert.Equal(new[] { "6.1.0-9-amd64", "6.1.0-10-amd64" }, report.Items.Select(k => k.KernelVersion));
        Assert.Contains(report.Warnings, w => w.Contains("bad name"));
    }

    [Fact]
    public void TakesPackageOwnersFromTheDpkgLists()
    {
        var root = new DirectorySystemRoot(RepoPaths.Fixture("roots", "debian-merged"));
        var report = new InstalledKernelReader(root, new DpkgOwnership(root, "/boot/", "/lib/modules/")).Read();
        Assert.Equal("linux-image-6.1.0-10-amd64", report.Items.Single(k => k.KernelVersion == "6.1.0-10-amd64").Package);
        Assert.Null(report.Items.Single(k => k.KernelVersion == "6.1.0-9-amd64").Package);
    }
}
