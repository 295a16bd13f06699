using KmodPS.Core.Removal;
using static KmodPS.Tests.Removal.RemovalFixtures;
using KmodPS.Core.Packages;
using KmodPS.Tests.Packages;

namespace KmodPS.Tests.Removal;

public sealed class KernelPackageMatcherTests
{
    [Fact]
    public void RpmReleaseSelectsItsSubpackagesOnly()
    {
        var packages = KernelPackageMatcher.OfRelease(Rpm, K45).Select(p => p.Spec);
        Assert.Equal(new[]
        {
            "kernel-5.14.0-611.45.1.el9_7.x86_64", "kernel-core-5.14.0-611.45.1.el9_7.x86_64",
            "kernel-modules-5.14.0-611.45.1.el9_7.x86_64", "kernel-modules-core-5.14.0-611.45.1.el9_7.x86_64",
        }, packages);
    }

    [Fact]
    public void UserspaceAndOtherVariantPackagesSharingTheVersionStay()
    {
        var names = KernelPackageMatcher.OfRelease(Rpm, K45).Select(p => p.Name).ToList();
        Assert.DoesNotContain("kernel-headers", names);
        Assert.DoesNotContain("kernel-tools", names);
        Assert.DoesNotContain("kernel-debug-core", names);
        Assert.Equal(new[] { "kernel-debug-core" }, KernelPackageMatcher.OfRelease(Rpm, K45 + "+debug").Select(p => p.Name));
    }

    [Fact]
    public void ReleasesAreThoseWhoseImageOrModulesPackagesAreRecorded()
    {
        // kernel-devel, kernel-headers and kernel-tools share a version but carry no kernel; kernel-debug-core carries the +debug one.
        Assert.Equal(new[] { K41, K45, K45 + "+debug", K49 }, KernelPackageMatcher.Releases(Rpm).Order(StringComparer.Ordinal));
        var devel = RpmPackageQuery.ParseWithRequirements("kernel-devel\t0\t5.14.0\t1.el9\tx86_64\t\nkernel-default-devel\t0\t5.14.21\t150500.55.39.1\tx86_64\t\n");
        Assert.Empty(KernelPackageMatcher.Releases(devel));
        var suse = RpmPackageQuery.ParseWithRequirements("kernel-default\t0\t5.14.21\t150500.55.39.1\tx86_64\t\nkernel-firmware-all\t0\t20230724\t150500.3.3.1\tnoarch\t\n");
        Assert.Equal(new[] { "5.14.21-150500.55.39-default" }, KernelPackageMatcher.Releases(suse));
        var debian = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        // linux-image-6.1.0-40-amd64 is purged (not-installed): no release.
        Assert.Equal(new[] { "6.1.0-55-amd64", "6.1.0-56-amd64" }, KernelPackageMatcher.Releases(debian).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KmodBuiltForTheKernelIsADependent()
    {
        var packages = KernelPackageMatcher.OfRelease(Rpm, K41);
        Assert.Contains("kernel-devel", packages.Select(p => p.Name));
        Assert.Equal(new[] { "kmod-nvidia-open-595.58.03-1.el9_7.x86_64" }, KernelPackageMatcher.Dependents(Rpm, packages, K41).Select(p => p.Spec));
        Assert.Empty(KernelPackageMatcher.Dependents(Rpm, KernelPackageMatcher.OfRelease(Rpm, K45), K45));
    }

    [Fact]
    public void PlainNameRequirementIsBrokenOnlyWhenNoOtherPackageOfThatNameStays()
    {
        var rpm = RpmPackageQuery.ParseWithRequirements("kernel-core\t0\t5.14.0\t1.el9\tx86_64\t\nkernel-core\t0\t5.14.0\t2.el9\tx86_64\t\ntool\t0\t1\t1\tx86_64\tkernel-core  |\n");
        var one = KernelPackageMatcher.OfRelease(rpm, "5.14.0-1.el9.x86_64");
        Assert.Empty(KernelPackageMatcher.Dependents(rpm, one, "5.14.0-1.el9.x86_64"));
        var both = rpm.Where(p => p.Name == "kernel-core").ToList();
        Assert.Equal("tool", Assert.Single(KernelPackageMatcher.Dependents(rpm, both, "5.14.0-1.el9.x86_64")).Name);
    }

    [Fact]
    public void DebianReleaseSelectsVersionedPackagesButNotSharedOnesOrMetapackages()
    {
        var installed = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        var packages = KernelPackageMatcher.OfRelease(installed, "6.1.0-55-amd64").Select(p => p.Spec);
        Assert.Equal(new[] { "linux-headers-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64-unsigned", "linux-modules-nvidia-550-6.1.0-55-amd64" }, packages);
        Assert.DoesNotContain("linux-headers-6.1.0-55-common", packages);
    }

    [Fact]
    public void DebianMetapackageDependingOnTheNewestImageIsADependent()
    {
        var installed = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        var newest = KernelPackageMatcher.OfRelease(installed, "6.1.0-56-amd64");
        Assert.Equal(new[] { "linux-image-amd64" }, KernelPackageMatcher.Dependents(installed, newest, "6.1.0-56-amd64").Select(p => p.Name));
        var older = KernelPackageMatcher.OfRelease(installed, "6.1.0-55-amd64");
        Assert.Empty(KernelPackageMatcher.Dependents(installed, older, "6.1.0-55-amd64"));
    }
}
