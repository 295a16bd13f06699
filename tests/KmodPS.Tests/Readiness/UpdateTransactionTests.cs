using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Tests.Readiness;

/// <summary>dnf's update transaction as Test-KernelUpdate computes it: holds from the root's files, then the planner (the lab compares with the real dnf).</summary>
public sealed class UpdateTransactionTests : IDisposable
{
    private const string Oldest = "5.14.0-611.40.1.el9_7.x86_64";
    private const string Old = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Middle = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Newest = "5.14.0-611.49.1.el9_7.x86_64";
    private const string Kmod = "kmod-nvidia-open-595.58.03-1.el9_7.x86_64";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-txn-" + Guid.NewGuid().ToString("N"));

    public UpdateTransactionTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/dnf/plugins"));
        Directory.CreateDirectory(Path.Combine(_root, "etc/yum.repos.d"));
        File.WriteAllText(Path.Combine(_root, "etc/dnf/dnf.conf"), "[main]\ninstallonly_limit=2\n");
        File.WriteAllText(Path.Combine(_root, "etc/yum.repos.d/lab.repo"), "[lab]\nbaseurl=file:///repo\n");
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void OnlyTheNewestKernelIsInstalledAndTheOldestBeyondTheLimitIsRemoved()
    {
        var transaction = Plan();
        Assert.Equal(new[] { Middle, Newest }, transaction.OfferedKernels);
        Assert.Equal(new[] { Newest }, transaction.InstalledKernels);
        Assert.Equal(new[] { Oldest }, transaction.RemovedKernels);
        Assert.Empty(transaction.HeldBack);
        Assert.Contains("kernel-core-" + Newest, transaction.PackagesInstalled(Newest));
    }

    [Fact]
    public void TheRunningKernelIsNeverRemoved()
    {
        Assert.Equal(new[] { Old }, Plan(running: Oldest).RemovedKernels);
    }

    [Fact]
    public void AVersionlockPinHoldsBackEveryOtherKernelWithItsDate()
    {
        File.WriteAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list"), "\n# Added lock on Sun Dec  6 10:00:00 2026\nkernel-core-0:5.14.0-611.41.1.el9_7.*\n");
        var transaction = Plan();
        Assert.Empty(transaction.InstalledKernels);
        Assert.Empty(transaction.RemovedKernels);
        Assert.Equal(new[] { Middle, Newest }, transaction.HeldBack.Keys.Order());
        Assert.Equal("'kernel-core-0:5.14.0-611.41.1.el9_7.*' in /etc/dnf/plugins/versionlock.list (added Sun Dec  6 10:00:00 2026)", transaction.HeldBack[Newest]);
    }

    [Fact]
    public void AnExcludeOfTheNewestLetsTheOneBeforeIn()
    {
        File.WriteAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list"), "!kernel*-5.14.0-611.49.1.el9_7.*\n");
        var transaction = Plan();
        Assert.Equal(new[] { Middle }, transaction.InstalledKernels);
        Assert.Equal(new[] { Newest }, transaction.HeldBack.Keys);
    }

    [Fact]
    public void DnfConfAndRepositoryExcludesAndIncludesAreRead()
    {
        File.WriteAllText(Path.Combine(_root, "etc/dnf/dnf.conf"), "[main]\ninstallonly_limit=4\nexclude=kernel-core-5.14.0-611.49*\n");
        Assert.Equal(4, DnfConfiguration.Read(new DirectorySystemRoot(_root), new DiagnosticLog()).InstallOnlyLimit);
        Assert.Equal(new[] { Middle }, Plan().InstalledKernels);
        File.WriteAllText(Path.Combine(_root, "etc/dnf/dnf.conf"), "[main]\n");
        File.WriteAllText(Path.Combine(_root, "etc/yum.repos.d/lab.repo"), "[lab]\nincludepkgs=kmod-*\n  kernel-core-5.14.0-611.45.1*\n");
        var transaction = Plan();
        Assert.Equal(new[] { Middle }, transaction.InstalledKernels);
        Assert.StartsWith("includepkgs=", transaction.HeldBack[Newest]);
    }

    [Fact]
    public void AKmodUpgradeToABuildForTheNewKernelStripsTheKernelThatStays()
    {
        var transaction = Plan(kmodFor: Newest, limit: 3);
        var loss = Assert.Single(transaction.ModuleLosses);
        Assert.Equal((Old, "nvidia", Kmod, Newest), (loss.Kernel, loss.Module, loss.Package, loss.ReplacementKernel));
        Assert.Contains(Kmod, transaction.PackagesRemoved(Old));
    }

    [Fact]
    public void ARemovedKernelTakesItsKmodWithIt()
    {
        var transaction = Plan(running: Oldest);
        Assert.Equal(new[] { "kernel-core-" + Old, Kmod }, transaction.PackagesRemoved(Old));
    }

    [Fact]
    public void TheLossIsAWarningUnlessTheKernelBootsNextOrRuns()
    {
        var warning = Checks(running: null, nextBoot: Old, kmodFor: Newest).Single(c => c.KernelVersion == Old);
        Assert.True(warning.Ready);
        Assert.Contains(warning.Problems, p => p.Module == "nvidia" && !p.Blocking);
        var blocking = Checks(running: Old, nextBoot: Old, kmodFor: Newest).Single(c => c.KernelVersion == Old);
        Assert.False(blocking.Ready);
    }

    private UpdateTransaction Plan(string? running = null, string? kmodFor = null, int limit = 2)
    {
        var root = new DirectorySystemRoot(_root);
        var configuration = DnfConfiguration.Read(root, new DiagnosticLog());
        var holds = UpdateHolds.Read(root, configuration, new DiagnosticLog());
        var kernels = new[] { Kernel(Old), Kernel(Oldest) };
        return DnfTransactionPlanner.Plan(Available(kmodFor), kernels, new[] { Row(Old) }, holds.HeldBy, configuration with { InstallOnlyLimit = limit }, running);
    }

    private IReadOnlyList<KernelUpdateCheck> Checks(string? running, string? nextBoot, string kmodFor)
    {
        var transaction = Plan(running, kmodFor, limit: 3);
        var input = new UpdateReadinessInput(_root, HostFamily.RedHat, Old, new[] { Row(Old) }, new[] { new UpdateCandidate(Newest, UpdateSource.Repository) },
            new[] { Row(Old) }, new[] { Kernel(Old) }, transaction.Allowed, new HashSet<string>(), new Dictionary<string, KmodPS.Core.Dkms.DkmsConf?>(),
            false, false, false, false, nextBoot, running, transaction, NewKernelBecomesDefault: running is null);
        return UpdateReadinessPlanner.Plan(input);
    }

    private static IReadOnlyList<RepositoryPackage> Available(string? kmodFor)
    {
        var packages = new List<RepositoryPackage>();
        foreach (var kernel in new[] { Old, Middle, Newest })
        {
            var vr = kernel[..^".x86_64".Length];
            var dash = vr.IndexOf('-');
            packages.Add(new RepositoryPackage("kernel-core", vr[..dash], vr[(dash + 1)..], "x86_64", "lab", Array.Empty<string>(), new[] { "installonlypkg(kernel)" }));
        }
        if (kmodFor is not null)
        {
            packages.Add(new RepositoryPackage("kmod-nvidia-open", "595.58.03", "2.el9_7", "x86_64", "lab", new[] { "kernel-uname-r = " + kmodFor }, new[] { "kmod(nvidia.ko)" }));
        }
        return packages;
    }

    private InstalledKernel Kernel(string version) => new(version, _root, "/boot/vmlinuz-" + version, "/lib/modules/" + version, false, null, false, "kernel-core-" + version);

    private ModuleStatus Row(string kernel) => new("nvidia", "595.58.03", kernel, ModuleProvider.KmodPackage, ModuleState.Installed, "installed", Kmod,
        $"/lib/modules/{kernel}/extra/nvidia.ko", null, null, null, null, null, null, false, false, _root);
}
