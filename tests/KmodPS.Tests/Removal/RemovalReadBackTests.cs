using KmodPS.Core.Diagnostics;
using KmodPS.Core.Removal;
using KmodPS.Core.Packages;

namespace KmodPS.Tests.Removal;

public sealed class RemovalReadBackTests
{
    private const string K = "5.14.0-611.45.1.el9_7.x86_64";
    private static readonly InstalledPackage Core = new("kernel-core", null, "5.14.0", "611.45.1.el9_7", "x86_64", Array.Empty<PackageRequirement>());

    [Fact]
    public void NoPackageAndNoImageLeftIsRemoved() =>
        Assert.Null(RemovalReadBack.Check(K, Array.Empty<InstalledPackage>(), null, null));

    [Fact]
    public void SuccessWithPackagesStillInstalledIsNotBelieved() =>
        Assert.Equal($"Kernel {K} was not removed: these packages are still installed: kernel-core-5.14.0-611.45.1.el9_7.x86_64",
            RemovalReadBack.Check(K, new[] { Core }, null, null)?.Message);

    [Fact]
    public void AnUnreadableDatabaseAfterwardsIsNotTakenAsRemoved() =>
        Assert.Equal($"Kernel {K} was not removed: the package database cannot be read back: rpm -qa failed",
            RemovalReadBack.Check(K, null, null, "rpm -qa failed")?.Message);

    [Fact]
    public void AnImageNoPackageOwnedIsStillAKernel() =>
        Assert.Equal($"Kernel {K} was not removed: its packages are gone but the kernel image /r/boot/vmlinuz-{K} is still there (not owned by a package)",
            RemovalReadBack.Check(K, Array.Empty<InstalledPackage>(), $"/r/boot/vmlinuz-{K}", null)?.Message);
}
