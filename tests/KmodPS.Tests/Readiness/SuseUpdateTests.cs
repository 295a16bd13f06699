using System.Text;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Readiness;

namespace KmodPS.Tests.Readiness;

/// <summary>
/// SUSE's side of Test-KernelUpdate: zypper's XML transaction, the ksym versions of the cached repository metadata
/// and the kABI judgment of a KMP (the lab's suse world runs the real zypper).
/// </summary>
public sealed class SuseUpdateTests
{
    private const string Installed = "6.4.0-150600.23.25-default";
    private const string Newest = "6.4.0-150600.23.33-default";
    private const string Kmp = "v4l2loopback-kmp-default-0.12.7_k6.4.0_150600.23.25-1.1.x86_64";

    // What zypper 1.14 prints for `--xmlout update --dry-run` with multiversion kernels (the prompt and progress shortened).
    private const string MultiversionUpdate = """
        <?xml version='1.0'?>
        <stream>
        <message type="info">Loading repository data...</message>
        <install-summary download-size="5673" space-usage-diff="0" packages-to-change="1">
        <to-install>
        <solvable type="package" name="kernel-default" edition="6.4.0-150600.23.33.1" arch="x86_64" summary="dummy kernel-default">
        <description>dummy</description></solvable>
        </to-install>
        </install-summary>
        <prompt id="0"><text>Continue?</text><option default="1" value="y" desc="Yes"/></prompt>
        <progress id="fileconflict-check" name="Checking for file conflicts:" done="1"/>
        </stream>
        """;

    // Without `multiversion` in zypp.conf the kernel is upgraded in place: the old one goes.
    private const string InPlaceUpdate = """
        <?xml version='1.0'?>
        <stream>
        <install-summary download-size="5673" space-usage-diff="0" packages-to-change="2">
        <to-upgrade>
        <solvable type="package" name="kernel-default" edition="6.4.0-150600.23.33.1" arch="x86_64" edition-old="6.4.0-150600.23.25.1" arch-old="x86_64" summary="k"><description>k</description></solvable>
        </to-upgrade>
        <to-remove>
        <solvable type="package" name="v4l2loopback-kmp-default" edition="0.12.7_k6.4.0_150600.23.25-1.1" arch="x86_64" summary="m"><description>m</description></solvable>
        </to-remove>
        </install-summary>
        </stream>
        """;

    [Fact]
    public void ZypperSummaryGivesWhatTheUpdateInstallsAndRemoves()
    {
        var multiversion = ZypperQuery.Parse("some stderr noise\n" + MultiversionUpdate);
        var install = Assert.Single(multiversion.Installs);
        Assert.Equal(("kernel-default", "6.4.0", "150600.23.33.1", "x86_64", (string?)null), (install.Name, install.Version, install.Release, install.Arch, install.OldEdition));
        Assert.Equal(Newest, KernelImagePackage.RpmRelease(install.Name, install.Version, install.Release, install.Arch));
        Assert.Empty(multiversion.Removes);
        Assert.Empty(multiversion.Errors);

        var inPlace = ZypperQuery.Parse(InPlaceUpdate);
        Assert.Equal("6.4.0-150600.23.25.1", Assert.Single(inPlace.Installs).OldEdition);
        Assert.Equal(Kmp, Assert.Single(inPlace.Removes).Nevra);
    }

    [Fact]
    public void AnInPlaceKmpUpgradeTakesTheModuleOfTheKernelThatStays()
    {
        // multiversion names kernel-default only: the kernel is added, the KMP is upgraded to the build for the new one.
        var simulated = ZypperQuery.Parse("""
            <?xml version='1.0'?><stream><install-summary packages-to-change="2">
            <to-install><solvable type="package" name="kernel-default" edition="6.4.0-150600.23.33.1" arch="x86_64"/></to-install>
            <to-upgrade><solvable type="package" name="v4l2loopback-kmp-default" edition="0.12.7_k6.4.0_150600.23.33-1.1" arch="x86_64" edition-old="0.12.7_k6.4.0_150600.23.25-1.1"/></to-upgrade>
            </install-summary></stream>
            """);
        var kernel = new InstalledKernel(Installed, "/r", "/boot/vmlinuz-" + Installed, "/lib/modules/" + Installed, false, null, false, "kernel-default-6.4.0-150600.23.25.1.x86_64");
        var row = new ModuleStatus("v4l2loopback", "0.12.7", Installed, ModuleProvider.KmodPackage, ModuleState.Installed, "installed", Kmp,
            $"/lib/modules/{Installed}/updates/v4l2loopback.ko", null, null, null, null, null, null, false, false, "/r");
        var offered = new[] { "25.1", "30.1", "33.1" }.Select(r => new RepositoryPackage("kernel-default", "6.4.0", "150600.23." + r, "x86_64", "lab", Array.Empty<string>(), Array.Empty<string>())).ToList();
        var transaction = ZypperTransactionKernels.Of(simulated, new[] { kernel }, new[] { row }, offered, _ => null);
        Assert.Equal(new[] { "6.4.0-150600.23.30-default", Newest }, transaction.OfferedKernels);
        Assert.Equal(new[] { Newest }, transaction.InstalledKernels);
        Assert.Empty(transaction.RemovedKernels);
        Assert.Empty(transaction.HeldBack);
        var loss = Assert.Single(transaction.ModuleLosses);
        Assert.Equal((Installed, "v4l2loopback", Kmp, "v4l2loopback-kmp-default-0.12.7_k6.4.0_150600.23.33-1.1.x86_64", Newest),
            (loss.Kernel, loss.Module, loss.Package, loss.Replacement, loss.ReplacementKernel));
        Assert.Contains("v4l2loopback-kmp-default-0.12.7_k6.4.0_150600.23.33-1.1.x86_64", transaction.PackagesInstalled(Newest));
    }

    [Fact]
    public void ZypperErrorsAreKept()
    {
        var failed = ZypperQuery.Parse("""<?xml version='1.0'?><stream><message type="error">Repository 'lab' is invalid.</message><message type="info">Skipping</message></stream>""");
        Assert.Equal(new[] { "Repository 'lab' is invalid." }, failed.Errors);
        Assert.Empty(failed.Installs);
    }

    [Fact]
    public void OnlySuseFlavourImagesWithSuseReleasesAreSuseKernels()
    {
        Assert.Equal(Installed, KernelImagePackage.RpmRelease("kernel-default", "6.4.0", "150600.23.25.1", "x86_64"));
        Assert.Null(KernelImagePackage.RpmRelease("kernel-default-devel", "6.4.0", "150600.23.25.1", "x86_64"));
        Assert.Null(KernelImagePackage.RpmRelease("kernel-default", "6.4.0", "150600.23.25.1", "src"));
        // RHEL's real-time kernel shares a SUSE flavour's name; its release names the distribution.
        Assert.Null(KernelImagePackage.RpmRelease("kernel-rt", "5.14.0", "427.13.1.el9_4", "x86_64"));
        Assert.Equal("5.14.0-611.45.1.el9_7.x86_64", KernelImagePackage.RpmRelease("kernel-core", "5.14.0", "611.45.1.el9_7", "x86_64"));
    }

    [Fact]
    public void RepodataGivesKsymVersionsOnlyOfTheWantedPackages()
    {
        var primary = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="3">
            <package type="rpm"><name>kernel-default</name><arch>x86_64</arch><version epoch="0" ver="6.4.0" rel="150600.23.25.1"/>
              <format><rpm:provides><rpm:entry name="multiversion(kernel)"/><rpm:entry name="ksym(default:_printk)" flags="EQ" ver="92997ed8"/></rpm:provides></format></package>
            <package type="rpm"><name>kernel-default</name><arch>x86_64</arch><version epoch="0" ver="6.4.0" rel="150600.23.33.1"/>
              <format><rpm:provides><rpm:entry name="ksym(default:_printk)" flags="EQ" ver="0badc0de"/></rpm:provides>
              <rpm:requires><rpm:entry name="ksym(default:ignored)" flags="EQ" ver="1"/></rpm:requires></format></package>
            <package type="rpm"><name>v4l2loopback-kmp-default</name><arch>x86_64</arch><version epoch="0" ver="0.12.7_k6.4.0_150600.23.33" rel="1.1"/>
              <format><rpm:requires><rpm:entry name="ksym(default:_printk)" flags="EQ" ver="0badc0de"/></rpm:requires></format></package>
            </metadata>
            """;
        var names = new HashSet<string> { "kernel-default", "v4l2loopback-kmp-default" };
        var packages = RepodataPackages.Parse(new MemoryStream(Encoding.UTF8.GetBytes(primary)), "lab", names.Contains, p => p.Release != "150600.23.25.1");
        Assert.Equal(3, packages.Count);
        Assert.Empty(packages[0].Provides);
        Assert.Equal(new[] { "ksym(default:_printk) = 0badc0de" }, packages[1].Provides);
        Assert.Equal(new[] { "ksym(default:ignored) = 1" }, packages[1].Requires);
        Assert.Equal(new[] { "ksym(default:_printk) = 0badc0de" }, packages[2].Requires);
    }

    [Fact]
    public void AKmpServesANewKernelThatKeepsTheVersionsOfTheSymbolsItImports()
    {
        Assert.Empty(Check(newestPrintk: 0x92997ed8).Problems);
    }

    [Fact]
    public void AChangedSymbolVersionIsAProblemNamingTheSymbol()
    {
        var problem = Assert.Single(Check(newestPrintk: 0x0badc0de).Problems);
        Assert.Contains("_printk 92997ed8 -> 0badc0de", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("weak-modules2 will not link it", problem.Reason, StringComparison.Ordinal);
        Assert.Contains($"Lock-Kernel -Exclude {Newest}", problem.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void AKmpBuildForTheNewKernelInTheUpdateServesIt()
    {
        var kmp = new RepositoryPackage("v4l2loopback-kmp-default", "0.12.7_k6.4.0_150600.23.33", "1.1", "x86_64", "lab", new[] { "ksym(default:_printk) = 0badc0de" }, Array.Empty<string>());
        Assert.Empty(Check(newestPrintk: 0x0badc0de, updateKmp: kmp).Problems);
        // One whose requirements the new kernel does not meet does not.
        Assert.Single(Check(newestPrintk: 0x0badc0de, updateKmp: kmp with { Requires = new[] { "ksym(default:_printk) = 11111111" } }).Problems);
    }

    [Fact]
    public void WithoutTheNewKernelsSymbolVersionsNothingIsAssumed()
    {
        var problem = Assert.Single(Check(newestPrintk: null).Problems);
        Assert.Contains("not in the repository metadata zypper cached", problem.Reason, StringComparison.Ordinal);
    }

    private static KernelUpdateCheck Check(uint? newestPrintk, RepositoryPackage? updateKmp = null)
    {
        var row = new ModuleStatus("v4l2loopback", "0.12.7", Installed, ModuleProvider.KmodPackage, ModuleState.Installed, "installed", Kmp,
            $"/lib/modules/{Installed}/updates/v4l2loopback.ko", null, null, null, null, null, null, false, false, "/r");
        var available = new List<RepositoryPackage>();
        if (newestPrintk is { } crc)
        {
            available.Add(new RepositoryPackage("kernel-default", "6.4.0", "150600.23.33.1", "x86_64", "lab", Array.Empty<string>(),
                new[] { $"ksym(default:_printk) = {crc:x8}", "ksym(default:__fentry__) = bdfb6dbb", "ksym(azure:_printk) = 0" }));
        }
        var installs = new List<string> { "kernel-default-6.4.0-150600.23.33.1.x86_64" };
        if (updateKmp is not null)
        {
            available.Add(updateKmp);
            installs.Add(updateKmp.Nevra);
        }
        var transaction = new UpdateTransaction(new[] { Newest }, new HashSet<string> { Newest }, new Dictionary<string, string>(), Array.Empty<string>(), Array.Empty<ModuleLoss>(),
            new Dictionary<string, IReadOnlyList<string>> { [Newest] = installs }, new Dictionary<string, IReadOnlyList<string>>(), available);
        var kernel = new InstalledKernel(Installed, "/r", "/boot/vmlinuz-" + Installed, "/lib/modules/" + Installed, false, null, false, "kernel-default-6.4.0-150600.23.25.1.x86_64");
        var input = new UpdateReadinessInput("/r", HostFamily.Suse, Installed, new[] { row }, new[] { new UpdateCandidate(Newest, UpdateSource.Repository) },
            new[] { row }, new[] { kernel }, available, new HashSet<string>(), new Dictionary<string, KmodPS.Core.Dkms.DkmsConf?>(),
            false, false, false, false, Installed, Installed, transaction)
        {
            ModuleImports = new Dictionary<string, IReadOnlyDictionary<string, uint>>
            {
                ["v4l2loopback"] = new Dictionary<string, uint> { ["_printk"] = 0x92997ed8, ["__fentry__"] = 0xbdfb6dbb },
            },
        };
        return Assert.Single(UpdateReadinessPlanner.Plan(input), c => c.KernelVersion == Newest);
    }
}
