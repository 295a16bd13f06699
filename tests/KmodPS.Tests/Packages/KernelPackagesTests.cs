using KmodPS.Core.Packages;

namespace KmodPS.Tests.Packages;

/// <summary>
/// "Which packages make up kernel K" is one rule (RpmKernelPackages, DebianKernelPackages) that Lock-Kernel, Get-KernelLock,
/// Remove-Kernel and the repository candidates share; each caller only adds what its question needs.
/// </summary>
public sealed class KernelPackagesTests
{
    private const string K = "5.14.0-611.45.1.el9_7.x86_64";

    private static readonly RpmPackage[] Installed =
    {
        Rpm("kernel-core", "611.45.1.el9_7"), Rpm("kernel-modules", "611.45.1.el9_7"), Rpm("kernel-tools-libs", "611.45.1.el9_7"),
        Rpm("kernel-debug-core", "611.45.1.el9_7"), Rpm("kernel-debug-modules", "611.45.1.el9_7"), Rpm("kernel-rt-debug-core", "611.45.1.el9_7"),
        Rpm("kernel-abi-stablelists", "611.45.1.el9_7", "noarch"), Rpm("kernel-core", "611.49.1.el9_7"),
    };

    private static readonly RpmPackage[] Suse =
    {
        new("kernel-default", "0", "5.14.21", "150500.55.39.1", "x86_64"), new("kernel-default-devel", "0", "5.14.21", "150500.55.39.1", "x86_64"),
        new("kernel-devel", "0", "5.14.21", "150500.55.39.1", "noarch"), new("kernel-default", "0", "5.14.21", "150500.55.44.1", "x86_64"),
    };

    // Changed by the unification: Lock-Kernel used to pin kernel-debug-* of the same version-release with the
    // standard kernel, and found nothing for a +debug kernel. Remove-Kernel already told the variants apart.
    [Fact]
    public void AReleaseHasOnlyItsOwnVariantsPackages()
    {
        Assert.Equal(new[] { "kernel-abi-stablelists", "kernel-core", "kernel-modules", "kernel-tools-libs" }, Names(RpmKernelPackages.OfRelease(Installed, K)));
        Assert.Equal(new[] { "kernel-debug-core", "kernel-debug-modules" }, Names(RpmKernelPackages.OfRelease(Installed, K + "+debug")));
        Assert.Equal(new[] { "kernel-rt-debug-core" }, Names(RpmKernelPackages.OfRelease(Installed, K + "+rt-debug")));
    }

    // Changed by the unification: a versionlock line of kernel-debug-core was read as a lock of the standard kernel.
    [Fact]
    public void AVariantPackageConcernsTheVariantsRelease()
    {
        Assert.Equal(K + "+debug", RpmKernelPackages.KernelVersionOf("kernel-debug-core", "5.14.0", "611.45.1.el9_7", "x86_64"));
        Assert.Equal(K, RpmKernelPackages.KernelVersionOf("kernel-core", "5.14.0", "611.45.1.el9_7", "x86_64"));
        Assert.Equal("5.14.0-611.45.1.el9_7", RpmKernelPackages.KernelVersionOf("kernel-core", "5.14.0", "611.45.1.el9_7", "*"));
    }

    [Fact]
    public void RemovalTakesTheReleasesPackagesLessTheUserspaceOnesThatShareTheVersion()
    {
        var installed = Installed.Select(p => new InstalledPackage(p.Name, p.Epoch, p.Version, p.Release, p.Arch, Array.Empty<PackageRequirement>())).ToList();

        Assert.Equal(new[] { "kernel-core", "kernel-modules" }, KernelPackageMatcher.OfRelease(installed, K).Select(p => p.Name));
        Assert.Equal(new[] { "kernel-debug-core", "kernel-debug-modules" }, KernelPackageMatcher.OfRelease(installed, K + "+debug").Select(p => p.Name));
    }

    // Changed by the unification: Remove-Kernel found no package of a SUSE kernel (and refused with KernelNotPackaged).
    [Fact]
    public void SuseKernelsAreFoundThroughTheirFlavourPackageForEveryCaller()
    {
        const string suseKernel = "5.14.21-150500.55.39-default";
        var expected = new[] { "kernel-default", "kernel-default-devel", "kernel-devel" };
        Assert.Equal(expected, Names(RpmKernelPackages.OfRelease(Suse, suseKernel)));
        var installed = Suse.Select(p => new InstalledPackage(p.Name, p.Epoch, p.Version, p.Release, p.Arch, Array.Empty<PackageRequirement>())).ToList();
        Assert.Equal(expected, KernelPackageMatcher.OfRelease(installed, suseKernel).Select(p => p.Name));
    }

    [Fact]
    public void DebianLocksAndRemovalAgreeOnTheReleaseAndOnlyLocksHoldTheSharedHeaders()
    {
        var dpkg = DpkgStatusFile.Parse(DpkgStatusFileTests.Status);
        var installed = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        const string kernel = "6.1.0-55-amd64";

        var removed = KernelPackageMatcher.OfRelease(installed, kernel).Select(p => p.Name).ToList();
        var locked = DebianKernelPackages.OfRelease(dpkg, kernel).Select(p => p.Name).ToList();

        Assert.Equal(removed.Where(n => dpkg.Any(p => p.Name == n && p.IsInstalled)), locked.Where(n => !DebianKernelPackages.IsSharedHeadersOf(n, kernel)));
        Assert.Contains("linux-headers-6.1.0-55-common", locked);
        Assert.DoesNotContain("linux-headers-6.1.0-55-common", removed);
    }

    private static RpmPackage Rpm(string name, string release, string arch = "x86_64") => new(name, "0", "5.14.0", release, arch);

    private static IEnumerable<string> Names(IEnumerable<RpmPackage> packages) => packages.Select(p => p.Name);
}
