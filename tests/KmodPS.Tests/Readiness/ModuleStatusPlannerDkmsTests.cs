using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Readiness;

namespace KmodPS.Tests.Readiness;

/// <summary>The DKMS rows: one per package, version and kernel, as dkms status has them.</summary>
public sealed partial class ModuleStatusPlannerTests
{
    private const string D = "6.1.0-57-amd64";

    [Fact]
    public void TwoAddedVersionsOfOneModuleAreTwoRowsAndAnAddedVersionBesideAnInstalledOneStays()
    {
        var rows = ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D) },
            files: new[] { File(D, "updates/dkms/multi.ko", "multi", D, ModuleLocation.Updates) },
            dkms: new[] { Added("multi", "1.0"), Added("multi", "2.0"), Build("other", "1.0", "multi", DkmsState.Installed) }));
        Assert.Equal(new[] { "multi/1.0 Added", "multi/2.0 Added", "other/1.0 Installed" }, rows.Select(r => $"{r.Package} {r.State}").Order());
        // multi.ko 1.0 is installed by other/1.0: building multi/1.0 would not replace it, so no install advice for it.
        Assert.DoesNotContain("'dkms install", rows.Single(r => r.Package == "multi/1.0").Reason);
        Assert.Contains("'dkms install multi/2.0 -k " + D, rows.Single(r => r.Package == "multi/2.0").Reason);
    }

    [Fact]
    public void AnOlderBuiltVersionNeverAdvisesAnInstallThatWouldDowngrade()
    {
        var rows = ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D) },
            files: new[] { File(D, "updates/dkms/multi.ko", "multi", D, ModuleLocation.Updates) },
            dkms: new[] { Build("multi", "1.0", "multi", DkmsState.Built), Build("multi", "2.0", "multi", DkmsState.Installed) },
            sameBytes: (built, _) => built.Contains("/2.0/", StringComparison.Ordinal)));
        var older = rows.Single(r => r.Package == "multi/1.0");
        Assert.Equal(ModuleState.Built, older.State);
        Assert.DoesNotContain("'dkms install", older.Reason);
        Assert.Contains("multi/2.0 provides multi", older.Reason);
    }

    [Fact]
    public void ABuiltVersionWhoseFileIsAlreadyInPlaceIsAdvisedToBeRecordedAndAGoneFileToBeReinstalled()
    {
        // dkms install of 1.0 over 2.0 records 1.0 as installed but keeps 2.0's file.
        var rows = ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D) },
            files: new[] { File(D, "updates/dkms/multi.ko", "multi", D, ModuleLocation.Updates) },
            dkms: new[] { Build("multi", "1.0", "multi", DkmsState.Installed), Build("multi", "2.0", "multi", DkmsState.Built), Build("gone", "1.0", "gone", DkmsState.Installed) },
            sameBytes: (built, _) => built.Contains("/2.0/", StringComparison.Ordinal)));
        Assert.Contains("it is multi/2.0's build", rows.Single(r => r.Package == "multi/1.0").Reason);
        Assert.Contains($"is this build already, so 'dkms install multi/2.0 -k {D}' only records it", rows.Single(r => r.Package == "multi/2.0").Reason);
        var gone = rows.Single(r => r.Package == "gone/1.0");
        Assert.Equal(ModuleState.Broken, gone.State);
        Assert.Contains("WARNING! Diff between built and installed module!", gone.Reason);
        Assert.Contains($"'dkms uninstall gone/1.0 -k {D}' then 'dkms install gone/1.0 -k {D}'", gone.Reason);
    }

    [Fact]
    public void AReplacingPackageKeepsItsOwnRowAndTheRowsSayWhoseFileIsOnDisk()
    {
        var installed = $"/lib/modules/{D}/updates/dkms/dkms_test.ko";
        var original = Build("dkms_test", "1.0", "dkms_test", DkmsState.Installed);
        var replacing = Build("dkms_replace_test", "2.0", "dkms_test", DkmsState.Installed);
        var rows = ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D) },
            files: new[] { File(D, "updates/dkms/dkms_test.ko", "dkms_test", D, ModuleLocation.Updates) },
            dkms: new[] { original, replacing },
            sameBytes: (built, file) => file == installed && built == original.BuiltModules[0]));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal((ModuleState.Installed, installed), (r.State, r.Path)));
        Assert.DoesNotContain("Diff", rows.Single(r => r.Package == "dkms_test/1.0").Reason);
        var replaced = rows.Single(r => r.Package == "dkms_replace_test/2.0").Reason;
        Assert.Contains("WARNING! Diff between built and installed module!", replaced);
        Assert.Contains("it is dkms_test/1.0's build", replaced);
    }

    [Fact]
    public void AHandReplacedFileIsTheDiffDkmsWarnsAbout()
    {
        var row = Assert.Single(ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D) },
            files: new[] { File(D, "updates/dkms/dkms_test.ko", "dkms_test", D, ModuleLocation.Updates) },
            dkms: new[] { Build("dkms_test", "1.0", "dkms_test", DkmsState.Installed) },
            sameBytes: (_, _) => false)));
        Assert.Equal(ModuleState.Installed, row.State);
        Assert.Contains("replaced outside DKMS", row.Reason);
        Assert.Contains($"'dkms uninstall dkms_test/1.0 -k {D}' then 'dkms install dkms_test/1.0 -k {D}'", row.Reason);
    }

    [Theory]
    [InlineData("BUILD_EXCLUSIVE_ARCH=\"none\"", "BUILD_EXCLUSIVE_ARCH=\"none\" excludes x86_64")]
    [InlineData("BUILD_EXCLUSIVE_KERNEL=\"^5\\.\"", "BUILD_EXCLUSIVE_KERNEL=\"^5\\.\" excludes " + D)]
    public void BuildExclusiveReadsAsExcludedForTheKernelWithoutAdviceOrProblem(string directive, string reason)
    {
        var conf = DkmsConf.Parse($"PACKAGE_NAME=excl\nBUILT_MODULE_NAME[0]=excl\nBUILT_MODULE_NAME[1]=excl2\n{directive}\n");
        var rows = ModuleStatusPlanner.Plan(Input(
            kernels: new[] { Kernel(D), Kernel("6.1.0-56-amd64") },
            dkms: new[] { new DkmsEntry("excl", "1.0", null, null, DkmsState.Added, "/usr/src/excl-1.0", Array.Empty<string>(), null, null, null, conf) }));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(ModuleState.Excluded, r.State);
            Assert.False(r.IsProblem);
            Assert.DoesNotContain("dkms install", r.Reason);
        });
        Assert.Contains(reason, rows.First(r => r.KernelVersion == D).Reason);
        Assert.False(KernelHealth.IsUnhealthy(rows[0]));
    }

    [Theory]
    [InlineData("CONFIG_DRM !CONFIG_NEVER", null)]
    [InlineData("CONFIG_NEVER", "CONFIG_NEVER is not set")]
    [InlineData("CONFIG_DRM !CONFIG_DRM_I915", "CONFIG_DRM_I915 is set")]
    public void BuildExclusiveConfigReadsTheKernelsOptionsAsDkmsDoes(string options, string? excluded)
    {
        var conf = DkmsConf.Parse($"PACKAGE_NAME=cfg\nBUILD_EXCLUSIVE_CONFIG=\"{options}\"\n");
        var enabled = BuildExclusion.EnabledOptions("CONFIG_DRM=y\nCONFIG_DRM_I915=m\n# CONFIG_NEVER is not set\nCONFIG_HZ=250\n");
        Assert.Equal(excluded, BuildExclusion.Of(conf, D, enabled)?.Excluded is { } e ? e[(e.IndexOf('(') + 1)..^1] : null);
        Assert.Null(BuildExclusion.Of(conf, D));
    }

    [Fact]
    public void AnAddedVersionWhoseBuildFailedPointsAtMakeLogAndNotAtAnInstallThatFailsAgain()
    {
        var failed = Added("broken", "1.0") with { MakeLogPath = "/var/lib/dkms/broken/1.0/build/make.log" };
        var row = Assert.Single(ModuleStatusPlanner.Plan(Input(kernels: new[] { Kernel(D) }, dkms: new[] { failed })));
        Assert.Equal(ModuleState.Added, row.State);
        Assert.Contains("its last build failed (see /var/lib/dkms/broken/1.0/build/make.log)", row.Reason);
        Assert.DoesNotContain("'dkms install", row.Reason);
        Assert.DoesNotContain("never built", row.Reason);
    }

    private static DkmsEntry Added(string module, string version) =>
        new(module, version, null, null, DkmsState.Added, $"/usr/src/{module}-{version}", Array.Empty<string>(), null, null, null, DkmsConf.Parse($"PACKAGE_NAME={module}\nPACKAGE_VERSION={version}\n"));

    private static DkmsEntry Build(string module, string version, string file, DkmsState state) =>
        new(module, version, D, "x86_64", state, $"/usr/src/{module}-{version}", new[] { $"/var/lib/dkms/{module}/{version}/{D}/x86_64/module/{file}.ko" }, null,
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, DkmsConf.Parse($"PACKAGE_NAME={module}\nBUILT_MODULE_NAME[0]={file}\n"));
}
