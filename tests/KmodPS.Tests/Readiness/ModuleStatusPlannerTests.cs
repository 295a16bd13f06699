using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Readiness;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Tests.Readiness;

public sealed partial class ModuleStatusPlannerTests
{
    private const string Old = "5.14.0-611.41.1.el9_7.x86_64";
    private const string New = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Newest = "5.14.0-611.49.1.el9_7.x86_64";

    [Fact]
    public void SeedOneKmodPresentForOneKernelIsMissingOnTheOthers()
    {
        var input = Input(
            kernels: new[] { Kernel(Old), Kernel(New), Kernel(Newest) },
            files: new[] { File(Old, "extra/nvidia-open/nvidia.ko", "nvidia", Old) },
            owners: new() { [$"/lib/modules/{Old}/extra/nvidia-open/nvidia.ko"] = "kmod-nvidia-open-595.58.03-1.el9_7.x86_64" },
            nextBoot: Newest);
        var rows = ModuleStatusPlanner.Plan(input);
        Assert.Equal(3, rows.Count);
        var installed = rows.Single(r => r.KernelVersion == Old);
        Assert.Equal((ModuleState.Installed, ModuleProvider.KmodPackage), (installed.State, installed.Provider));
        Assert.Equal("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", installed.Package);
        foreach (var kernel in new[] { New, Newest })
        {
            var missing = rows.Single(r => r.KernelVersion == kernel);
            Assert.Equal(ModuleState.Missing, missing.State);
            Assert.Equal(ModuleProvider.KmodPackage, missing.Provider);
            Assert.Contains(Old, missing.Reason);
        }
        Assert.True(rows.Single(r => r.KernelVersion == Newest).IsNextBootKernel);
        Assert.False(rows.Single(r => r.KernelVersion == New).IsNextBootKernel);
    }

    [Fact]
    public void DkmsModuleOnAHeaderlessKernelIsMissingBecauseOfHeaders()
    {
        var built = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var dkms = Dkms("v4l2loopback", "0.12.7", "6.1.0-56-amd64", DkmsState.Installed, built);
        var input = Input(
            kernels: new[] { Kernel("6.1.0-55-amd64", headers: false), Kernel("6.1.0-56-amd64") },
            files: new[] { File("6.1.0-56-amd64", "updates/dkms/v4l2loopback.ko", "v4l2loopback", "6.1.0-56-amd64", ModuleLocation.Updates) },
            dkms: new[] { dkms },
            headersChanged: new() { ["6.1.0-56-amd64"] = ("/usr/src/linux-headers-6.1.0-56-amd64/.config", built.AddDays(-1)) });
        var rows = ModuleStatusPlanner.Plan(input);
        var installed = rows.Single(r => r.KernelVersion == "6.1.0-56-amd64");
        Assert.Equal((ModuleState.Installed, ModuleProvider.Dkms, "v4l2loopback/0.12.7"), (installed.State, installed.Provider, installed.Package));
        var missing = rows.Single(r => r.KernelVersion == "6.1.0-55-amd64");
        Assert.Equal(ModuleState.Missing, missing.State);
        Assert.StartsWith("headers not installed", missing.Reason);
    }

    [Fact]
    public void DkmsBuildOlderThanItsHeadersIsStale()
    {
        var built = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var input = Input(
            kernels: new[] { Kernel("6.1.0-56-amd64") },
            files: new[] { File("6.1.0-56-amd64", "updates/dkms/v4l2loopback.ko", "v4l2loopback", "6.1.0-56-amd64", ModuleLocation.Updates) },
            dkms: new[] { Dkms("v4l2loopback", "0.12.7", "6.1.0-56-amd64", DkmsState.Installed, built) },
            headersChanged: new() { ["6.1.0-56-amd64"] = ("/usr/src/linux-headers-6.1.0-56-amd64/.config", built.AddMinutes(5)) });
        var row = Assert.Single(ModuleStatusPlanner.Plan(input));
        Assert.Equal(ModuleState.Stale, row.State);
        Assert.Contains(".config", row.Reason);
    }

    [Fact]
    public void BuiltAndAddedDkmsEntriesGetTheirOwnRows()
    {
        var input = Input(
            kernels: new[] { Kernel("6.1.0-56-amd64") },
            dkms: new[]
            {
                Dkms("v4l2loopback", "0.12.7.1", "6.1.0-56-amd64", DkmsState.Built, DateTime.UtcNow),
                new DkmsEntry("lab-added", "1.0", null, null, DkmsState.Added, "/usr/src/lab-added-1.0", Array.Empty<string>(), null, null, null, DkmsConf.Parse("PACKAGE_NAME=lab-added\nBUILT_MODULE_NAME[0]=lab_added\n")),
            });
        var rows = ModuleStatusPlanner.Plan(input);
        Assert.Equal(ModuleState.Built, rows.Single(r => r.Name == "v4l2loopback").State);
        Assert.Equal(ModuleState.Added, rows.Single(r => r.Name == "lab_added").State);
    }

    [Fact]
    public void VermagicOfAnotherKernelIsAMismatchAndUnreadableFilesAreBroken()
    {
        var input = Input(
            kernels: new[] { Kernel(Old) },
            files: new[]
            {
                File(Old, "extra/wrong.ko", "wrong", New),
                new ScannedModule(Old, $"/lib/modules/{Old}/extra/corrupt.ko", ModuleLocation.Extra, null, null, "corrupt module: not an ELF file"),
                new ScannedModule(Old, $"/lib/modules/{Old}/weak-updates/gone.ko", ModuleLocation.WeakUpdates, "/lib/modules/x/extra/gone.ko", null, "dangling link to /lib/modules/x/extra/gone.ko"),
            });
        var rows = ModuleStatusPlanner.Plan(input);
        Assert.Equal(ModuleState.Mismatch, rows.Single(r => r.Name == "wrong").State);
        Assert.Equal(ModuleState.Broken, rows.Single(r => r.Name == "corrupt").State);
        Assert.Equal(ModuleState.Broken, rows.Single(r => r.Name == "gone").State);
        Assert.Equal(ModuleProvider.WeakUpdate, rows.Single(r => r.Name == "gone").Provider);
    }

    [Fact]
    public void UntrustedSignaturesAreAProblemOnlyUnderSecureBoot()
    {
        var files = new[] { File(Old, "extra/nvidia.ko", "nvidia", Old) };
        var off = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: false, trusted: false)));
        Assert.Equal(ModuleState.Installed, off.State);
        Assert.False(off.SignatureTrusted);
        var on = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: true, trusted: false)));
        Assert.Equal(ModuleState.Untrusted, on.State);
        Assert.Contains("Key was rejected by service", on.Reason);
        var enrolled = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: true, trusted: true)));
        Assert.Equal(ModuleState.Installed, enrolled.State);
        Assert.Equal("verified by the MokListRT key 'test'", enrolled.SignatureCheck);
    }

    [Fact]
    public void AnUnsignedModuleReadsDifferentlyFromOneSignedByAnUnknownKey()
    {
        var files = new[] { File(Old, "extra/nvidia.ko", "nvidia", Old) };
        var unsigned = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, check: SignatureCheck.Unsigned)));
        var unknown = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, trusted: false)));
        Assert.Contains("(unsigned)", unsigned.Reason);
        Assert.Contains("a key no certificate on this root matches", unknown.Reason);
        Assert.NotEqual(unsigned.Reason, unknown.Reason);
        var unsignedOn = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: true, check: SignatureCheck.Unsigned)));
        Assert.StartsWith("unsigned while Secure Boot is on", unsignedOn.Reason);
    }

    [Fact]
    public void ASignatureThatFailsAgainstTheKeyItNamesIsAProblemEvenWithoutSecureBoot()
    {
        var files = new[] { File(Old, "extra/nvidia.ko", "nvidia", Old) };
        var invalid = new SignatureCheck(SignatureVerdict.Invalid, null, "the signature does not verify against the MokListRT key 'test'");
        var row = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: false, check: invalid)));
        Assert.Equal(ModuleState.Untrusted, row.State);
        Assert.False(row.SignatureTrusted);
        Assert.Contains("even without Secure Boot", row.Reason);
    }

    [Fact]
    public void AKeyWhoseCertificateIsNotOnTheRootLeavesTrustUnknownAndIsNoProblem()
    {
        var files = new[] { File(Old, "extra/nvidia.ko", "nvidia", Old) };
        var unverifiable = new SignatureCheck(SignatureVerdict.Unverifiable, null, "names the kernel-signing key 'k', whose certificate is not on this root");
        var row = Assert.Single(ModuleStatusPlanner.Plan(Input(new[] { Kernel(Old) }, files, secureBoot: true, check: unverifiable)));
        Assert.Equal(ModuleState.Installed, row.State);
        Assert.Null(row.SignatureTrusted);
    }

    [Fact]
    public void ALoadedOutOfTreeModuleIsNeededOnEveryKernel()
    {
        var input = Input(
            kernels: new[] { Kernel(Old, running: true) },
            loaded: new() { ["zfs"] = new LoadedModule("zfs", true, "ABC"), ["e1000e"] = new LoadedModule("e1000e", false, null) },
            running: Old);
        var row = Assert.Single(ModuleStatusPlanner.Plan(input));
        Assert.Equal(("zfs", ModuleState.Missing), (row.Name, row.State));
        Assert.Contains("loaded now", row.Reason);
        Assert.True(row.IsLoaded);
    }

    [Fact]
    public void LoadedIsOnlyKnownForTheRunningKernelAndComparesSrcversion()
    {
        var input = Input(
            kernels: new[] { Kernel(Old, running: true), Kernel(New) },
            files: new[] { File(Old, "extra/nvidia.ko", "nvidia", Old), File(New, "extra/nvidia.ko", "nvidia", New) },
            loaded: new() { ["nvidia"] = new LoadedModule("nvidia", true, "SRC1") },
            running: Old);
        var rows = ModuleStatusPlanner.Plan(input);
        Assert.True(rows.Single(r => r.KernelVersion == Old).IsLoaded);
        Assert.Null(rows.Single(r => r.KernelVersion == New).IsLoaded);
        Assert.True(rows.Single(r => r.KernelVersion == Old).IsRunningKernel);
    }

    private static InstalledKernel Kernel(string version, bool headers = true, bool running = false) =>
        new(version, "/", $"/boot/vmlinuz-{version}", $"/lib/modules/{version}", headers, headers ? $"/usr/src/kernels/{version}" : null, running, null);

    private static ScannedModule File(string kernel, string relative, string name, string vermagicKernel, ModuleLocation location = ModuleLocation.Extra)
    {
        var path = $"/lib/modules/{kernel}/{relative}";
        var fields = new Dictionary<string, IReadOnlyList<string>>
        {
            ["name"] = new[] { name },
            ["version"] = new[] { "1.0" },
            ["srcversion"] = new[] { "SRC1" },
            ["vermagic"] = new[] { vermagicKernel + " SMP preempt mod_unload modversions " },
        };
        return new ScannedModule(kernel, path, location, null, new ModuleFileInfo(path, fields, null), null);
    }

    private static DkmsEntry Dkms(string module, string version, string kernel, DkmsState state, DateTime built) =>
        new(module, version, kernel, "x86_64", state, $"/usr/src/{module}-{version}",
            new[] { $"/var/lib/dkms/{module}/{version}/{kernel}/x86_64/module/{module}.ko" }, null, built, null, DkmsConf.Parse($"PACKAGE_NAME={module}\n"));

    private static ModuleStatusInput Input(
        InstalledKernel[] kernels,
        ScannedModule[]? files = null,
        Dictionary<string, string>? owners = null,
        DkmsEntry[]? dkms = null,
        Dictionary<string, LoadedModule>? loaded = null,
        string? running = null,
        string? nextBoot = null,
        bool secureBoot = false,
        bool trusted = true,
        Dictionary<string, (string, DateTime)?>? headersChanged = null,
        Func<string, string, bool>? sameBytes = null,
        SignatureCheck? check = null)
    {
        var trees = kernels.ToDictionary(k => k.KernelVersion, k => new KernelModuleTree(k.KernelVersion,
            (files ?? Array.Empty<ScannedModule>()).Where(f => f.KernelVersion == k.KernelVersion).ToList(), null, null));
        return new ModuleStatusInput("/", HostFamily.Debian, kernels, trees, dkms ?? Array.Empty<DkmsEntry>(), owners ?? new Dictionary<string, string>(),
            loaded ?? new Dictionary<string, LoadedModule>(), running, nextBoot, secureBoot, (_, _) => check ?? (trusted
                ? new SignatureCheck(SignatureVerdict.Verified, null, "verified by the MokListRT key 'test'")
                : new SignatureCheck(SignatureVerdict.SignerUnknown, null, "signed by 'test' (01), a key no certificate on this root matches")),
            headersChanged ?? new Dictionary<string, (string, DateTime)?>(), new HashSet<string>(), sameBytes);
    }
}
