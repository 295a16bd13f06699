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

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void LeftoversBeyondThreeMakeOneWarningAndEachIsADetail(int count)
    {
        var root = Directory.CreateTempSubdirectory("kmodps-leftovers-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "boot"));
            Directory.CreateDirectory(Path.Combine(root, "lib", "modules", "6.1.0-99-amd64"));
            File.WriteAllText(Path.Combine(root, "boot", "vmlinuz-6.1.0-99-amd64"), "image");
            for (var k = 1; k <= count; k++)
            {
                Directory.CreateDirectory(Path.Combine(root, "lib", "modules", $"6.1.0-{k}-amd64", "updates"));
            }
            var report = new InstalledKernelReader(new DirectorySystemRoot(root)).Read();
            Assert.Equal(new[] { "6.1.0-99-amd64" }, report.Items.Select(k => k.KernelVersion));
            if (count <= InstalledKernelReader.LeftoversWarnedEach)
            {
                Assert.Equal(count, report.Warnings.Count(w => w.Contains("is a leftover")));
                Assert.Empty(report.Details);
                return;
            }
            var warning = Assert.Single(report.Warnings);
            Assert.Contains($"{count} directories under {root}/lib/modules are leftovers", warning);
            Assert.Contains("6.1.0-1-amd64, 6.1.0-2-amd64, 6.1.0-3-amd64 and 2 more", warning);
            Assert.Equal(Enumerable.Range(1, count).Select(k => $"{root}/lib/modules/6.1.0-{k}-amd64 is a leftover"),
                report.Details.Select(d => d[..d.IndexOf(" is a leftover", StringComparison.Ordinal)] + " is a leftover"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
