using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Tests.Locks;

public sealed class DpkgLockTests
{
    [Fact]
    public void HoldsAreKernelLocksWithTheirRelease()
    {
        var locks = AptLocks.HoldEntries(DpkgStatusFile.Parse(LockFixtures.Text("dpkg-status-debian"))).ToList();
        Assert.Equal(new[] { "linux-image-6.1.0-55-amd64", "linux-image-6.1.0-50-amd64" }, locks.Select(l => l.Package));
        Assert.All(locks, l => Assert.Equal((KernelLockKind.Hold, "apt-mark"), (l.Kind, l.Source)));
        Assert.Equal("6.1.0-55-amd64", locks[0].KernelVersion);
    }

    [Theory]
    [InlineData("linux-image-6.1.0-56-amd64", "6.1.0-56-amd64")]
    [InlineData("linux-image-6.1.0-56-amd64-unsigned", "6.1.0-56-amd64")]
    [InlineData("linux-headers-6.1.0-56-common", null)]
    [InlineData("linux-modules-extra-5.15.0-91-generic", "5.15.0-91-generic")]
    [InlineData("linux-modules-nvidia-535-5.15.0-91-generic", "5.15.0-91-generic")]
    [InlineData("linux-image-amd64", null)]
    [InlineData("linux-kbuild-6.1", null)]
    [InlineData("linux-image-generic-hwe-22.04", null)]
    public void VersionedPackageNamesGiveTheirRelease(string name, string? release) =>
        Assert.Equal(release, DebianKernelPackages.KernelVersionOf(name));

    [Fact]
    public void DebianReleasePackagesAndMetapackagesComeFromTheDatabase()
    {
        var packages = DpkgStatusFile.Parse(LockFixtures.Text("dpkg-status-debian"));
        Assert.Equal(new[] { "linux-headers-6.1.0-56-amd64", "linux-headers-6.1.0-56-common", "linux-image-6.1.0-56-amd64" },
            DebianKernelPackages.OfRelease(packages, "6.1.0-56-amd64").Select(p => p.Name));
        Assert.Equal(new[] { "linux-image-6.1.0-55-amd64" }, DebianKernelPackages.OfRelease(packages, "6.1.0-55-amd64").Select(p => p.Name));
        Assert.Empty(DebianKernelPackages.OfRelease(packages, "6.1.0-50-amd64"));
        Assert.Equal(new[] { "linux-headers-amd64", "linux-image-amd64" }, DebianKernelPackages.Metapackages(packages).Select(p => p.Name));
    }

    [Fact]
    public void UbuntuMetapackagesAreFoundThroughOtherMetapackages()
    {
        var packages = DpkgStatusFile.Parse(LockFixtures.Text("dpkg-status-ubuntu"));
        Assert.Equal(new[] { "linux-generic", "linux-headers-generic", "linux-image-generic" }, DebianKernelPackages.Metapackages(packages).Select(p => p.Name));
        Assert.Equal(new[]
        {
            "linux-headers-5.15.0-91", "linux-headers-5.15.0-91-generic", "linux-image-5.15.0-91-generic",
            "linux-modules-5.15.0-91-generic", "linux-modules-extra-5.15.0-91-generic", "linux-modules-nvidia-535-5.15.0-91-generic",
        }, DebianKernelPackages.OfRelease(packages, "5.15.0-91-generic").Select(p => p.Name));
    }
}
