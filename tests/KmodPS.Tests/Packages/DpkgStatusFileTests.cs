using KmodPS.Core.Packages;
using KmodPS.Core.Removal;
using KmodPS.Tests.Locks;

namespace KmodPS.Tests.Packages;

public sealed class DpkgStatusFileTests
{
    public const string Status = """
        Package: linux-image-6.1.0-55-amd64
        Status: install ok installed
        Version: 6.1.140-1
        Architecture: amd64
        Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
        Description: Linux 6.1 for 64-bit PCs (signed)
         The Linux kernel 6.1 and modules for use on PCs.

        Package: linux-image-6.1.0-55-amd64-unsigned
        Status: deinstall ok config-files
        Version: 6.1.140-1
        Architecture: amd64

        Package: linux-image-6.1.0-56-amd64
        Status: hold ok installed
        Version: 6.1.147-1
        Architecture: amd64

        Package: linux-headers-6.1.0-55-amd64
        Status: install ok installed
        Version: 6.1.140-1
        Depends: linux-headers-6.1.0-55-common (= 6.1.140-1), linux-kbuild-6.1 (>= 6.1.140-1)

        Package: linux-headers-6.1.0-55-common
        Status: install ok installed
        Version: 6.1.140-1
        Architecture: all

        Package: linux-modules-nvidia-550-6.1.0-55-amd64
        Status: install ok installed
        Version: 550.1
        Depends: linux-image-6.1.0-55-amd64 | linux-image-unsigned-6.1.0-55-amd64

        Package: linux-image-amd64
        Status: install ok installed
        Version: 6.1.147-1
        Depends: linux-image-6.1.0-56-amd64 (= 6.1.147-1)

        Package: linux-image-6.1.0-40-amd64
        Status: purge ok not-installed
        Version: 6.1.120-1

        Package: tool
        Status: install ok installed
        Version: 1
        Depends: linux-image-6.1.0-56-amd64:amd64 | linux-image-6.1.0-55-amd64

        """;

    [Fact]
    public void ReadsPresentPackagesWithHoldsAndDependencyClauses()
    {
        var packages = DpkgStatusFile.InstalledPackages(Status).ToDictionary(p => p.Name);
        Assert.DoesNotContain("linux-image-6.1.0-40-amd64", packages.Keys);
        Assert.Contains("linux-image-6.1.0-55-amd64-unsigned", packages.Keys);
        Assert.True(packages["linux-image-6.1.0-56-amd64"].IsHeld);
        Assert.False(packages["linux-image-6.1.0-55-amd64"].IsHeld);
        Assert.False(packages["tool"].IsRpm);
        var clauses = packages["linux-image-6.1.0-55-amd64"].Requires;
        Assert.Equal(3, clauses.Count);
        Assert.Equal(new[] { "initramfs-tools", "linux-initramfs-tool" }, clauses[2].Alternatives);
        Assert.Equal(new[] { "linux-image-6.1.0-56-amd64", "linux-image-6.1.0-55-amd64" }, packages["tool"].Requires[0].Alternatives);
    }

    [Fact]
    public void ReadsSelectionsStatesAndDependencies()
    {
        var packages = DpkgStatusFile.Parse(LockFixtures.Text("dpkg-status-debian"));
        var held = packages.Single(p => p.Name == "linux-image-6.1.0-55-amd64");
        Assert.True(held.IsHeld);
        Assert.True(held.IsInstalled);
        Assert.Equal("6.1.192-1", held.Version);
        var meta = packages.Single(p => p.Name == "linux-image-amd64");
        Assert.Equal(new[] { "linux-image-6.1.0-56-amd64" }, meta.Depends);
        Assert.False(packages.Single(p => p.Name == "linux-image-6.1.0-50-amd64").IsInstalled);
        Assert.Equal(new[] { "kmod", "kldutils", "gcc", "c-compiler", "dpkg-dev", "make", "build-essential", "patch" }, packages.Single(p => p.Name == "dkms").Depends);
    }

    [Fact]
    public void AClauseWithARemainingAlternativeIsNotBroken()
    {
        var installed = DpkgStatusFile.InstalledPackages(Status);
        var older = KernelPackageMatcher.OfRelease(installed, "6.1.0-55-amd64");
        Assert.DoesNotContain("tool", KernelPackageMatcher.Dependents(installed, older, "6.1.0-55-amd64").Select(p => p.Name));
    }
}
