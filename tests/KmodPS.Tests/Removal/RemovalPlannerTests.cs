using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Removal;
using static KmodPS.Tests.Removal.RemovalFixtures;
using KmodPS.Core.Packages;
using KmodPS.Tests.Packages;

namespace KmodPS.Tests.Removal;

public sealed class RemovalPlannerTests
{
    [Fact]
    public void RedundantKernelIsRemovedWithDnfInTheRoot()
    {
        var plan = RemovalPlanner.Plan(Request(K45));
        Assert.Null(plan.Refusals.FirstOrDefault());
        Assert.Equal("/usr/bin/dnf", Command(plan).FileName);
        Assert.Equal(new[]
        {
            "--installroot", "/r", "--setopt=reposdir=/r/etc/yum.repos.d", "--noplugins", "--disablerepo=*", "-y", "remove",
            "kernel-5.14.0-611.45.1.el9_7.x86_64", "kernel-core-5.14.0-611.45.1.el9_7.x86_64",
            "kernel-modules-5.14.0-611.45.1.el9_7.x86_64", "kernel-modules-core-5.14.0-611.45.1.el9_7.x86_64",
        }, Command(plan).Arguments);
        // rpm finds the root's database through a private HOME's .rpmmacros, written for the command only.
        var home = Assert.Single(Step(plan).TemporaryFiles);
        Assert.Equal(Path.Combine(Command(plan).Environment["HOME"], ".rpmmacros"), home.Path);
        Assert.Contains("/var/lib/rpm", home.Content, StringComparison.Ordinal);
        Assert.False(plan.Reversible);
        Assert.Equal("Remove kernel packages kernel-5.14.0-611.45.1.el9_7.x86_64, kernel-core-5.14.0-611.45.1.el9_7.x86_64, "
            + "kernel-modules-5.14.0-611.45.1.el9_7.x86_64, kernel-modules-core-5.14.0-611.45.1.el9_7.x86_64", plan.Action);
        Assert.Equal(K45, plan.Target);
        Assert.DoesNotContain(Command(plan).Arguments, a => a.Contains("cachedir", StringComparison.Ordinal) || a.Contains("logdir", StringComparison.Ordinal));
    }

    [Fact]
    public void OnTheHostDnfRunsWithItsOwnConfigurationAndPlugins()
    {
        var plan = RemovalPlanner.Plan(Request(K45, hostRoot: true));
        Assert.Equal(new[] { "--disablerepo=*", "-y", "remove" }, Command(plan).Arguments.Take(3));
        Assert.Empty(Step(plan).TemporaryFiles);
        Assert.False(Command(plan).Environment.ContainsKey("HOME"));
    }

    [Theory]
    [InlineData(K45, K45, null, "RemoveRunningKernel")]
    [InlineData(K49, null, K49, "RemoveNextBootKernel")]
    [InlineData(K45, null, null, "NextBootUnknown")]
    [InlineData(K41, null, K49, "RemoveLastHealthyKernel")]
    public void ProtectedKernelsAreRefusedWhateverForceSays(string kernel, string? running, string? nextBoot, string id)
    {
        foreach (var force in new[] { false, true })
        {
            var plan = RemovalPlanner.Plan(Request(kernel, running: running, nextBoot: nextBoot, force: force));
            Assert.Equal(id, plan.Refusals.FirstOrDefault()?.ErrorId);
            Assert.Empty(plan.Steps);
            Assert.Equal(kernel, plan.Refusals[0].Target);
        }
    }

    [Fact]
    public void LockedKernelIsRefusedWhateverForceSays()
    {
        Assert.Equal("RemoveLockedKernel", RemovalPlanner.Plan(Request(K45, locks: new[] { "kernel-core locked" }, force: true)).Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void RunningKernelIsCheckedBeforeTheNextBoot()
    {
        Assert.Equal("RemoveRunningKernel", RemovalPlanner.Plan(Request(K49, running: K49)).Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void UnhealthyKernelMayGoWhileAHealthyOneStays()
    {
        Assert.Null(RemovalPlanner.Plan(Request(K45)).Refusals.FirstOrDefault());
    }

    [Fact]
    public void WhenNoKernelIsHealthyAnUnhealthyOneMayStillGoButTheNextBootStays()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Missing), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows, nextBoot: K49)).Refusals.FirstOrDefault());
        Assert.Equal("RemoveNextBootKernel", RemovalPlanner.Plan(Request(K49, rows: rows, nextBoot: K49)).Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void AHealthyKernelWithoutImageDoesNotCountAsTheOneThatStays()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K49, "nvidia", ModuleState.Missing), Row(K45, "nvidia", ModuleState.Installed) };
        var kernels = new[] { Kernel(K41, image: false), Kernel(K45), Kernel(K49) };
        Assert.Equal("RemoveLastHealthyKernel", RemovalPlanner.Plan(Request(K45, rows: rows, kernels: kernels, nextBoot: K49)).Refusals.FirstOrDefault()?.ErrorId);
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows, nextBoot: K49)).Refusals.FirstOrDefault());
    }

    [Fact]
    public void AKernelWhoseImageAnInterruptedRemovalDeletedIsNeverTheLastHealthyOne()
    {
        // Only its packages are left (Remove-Kernel finishing a killed removal), and no other kernel is healthy.
        var rows = new[] { Row(K41, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        var plan = RemovalPlanner.Plan(Request(K45, rows: rows, kernels: new[] { Kernel(K41), Kernel(K49) }, nextBoot: K49));
        Assert.Empty(plan.Refusals);
        Assert.Contains($"kernel-core-{K45}", Command(plan).Arguments);
    }

    [Fact]
    public void AddedDkmsSourceDoesNotMakeAKernelUnhealthy()
    {
        var rows = new[] { Row(K41, "lab_added", ModuleState.Added), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows)).Refusals.FirstOrDefault());
    }

    [Fact]
    public void DependentsNeedForceAndAreThenNamedInTheCommand()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K49, "nvidia", ModuleState.Installed) };
        var refused = RemovalPlanner.Plan(Request(K41, rows: rows));
        Assert.Equal("RemoveDependentPackages", refused.Refusals.FirstOrDefault()?.ErrorId);
        Assert.Contains("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", refused.Refusals[0].Message, StringComparison.Ordinal);
        var forced = RemovalPlanner.Plan(Request(K41, rows: rows, force: true));
        Assert.Null(forced.Refusals.FirstOrDefault());
        Assert.Contains("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", Command(forced).Arguments);
        Assert.Contains("kernel-devel-5.14.0-611.41.1.el9_7.x86_64", Command(forced).Arguments);
        Assert.Single(forced.Warnings);
    }

    [Fact]
    public void UnpackagedKernelIsNotRemoved()
    {
        var kernels = new[] { Kernel(K41), Kernel(K45), Kernel(K49), Kernel("6.9.0-custom") };
        Assert.Equal("KernelNotPackaged", RemovalPlanner.Plan(Request("6.9.0-custom", kernels: kernels)).Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void DebianUsesAptGetPurgeOnTheHostAndRefusesAnAlternateRoot()
    {
        var installed = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        var kernels = new[] { Kernel("6.1.0-55-amd64"), Kernel("6.1.0-56-amd64") };
        var rows = Array.Empty<ModuleStatus>();
        var host = RemovalPlanner.Plan(Request("6.1.0-55-amd64", installed, rows, nextBoot: "6.1.0-56-amd64", hostRoot: true, family: HostFamily.Debian, kernels: kernels));
        Assert.Null(host.Refusals.FirstOrDefault());
        Assert.Equal("/usr/bin/apt-get", Command(host).FileName);
        Assert.Equal(new[] { "-y", "purge", "linux-headers-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64-unsigned", "linux-modules-nvidia-550-6.1.0-55-amd64" },
            Command(host).Arguments);
        Assert.Equal("noninteractive", Command(host).Environment["DEBIAN_FRONTEND"]);
        var root = RemovalPlanner.Plan(Request("6.1.0-55-amd64", installed, rows, nextBoot: "6.1.0-56-amd64", family: HostFamily.Debian, kernels: kernels));
        Assert.Equal("AptRootNotSupported", root.Refusals.FirstOrDefault()?.ErrorId);
        Assert.Contains("chroot /r apt-get purge linux-headers-6.1.0-55-amd64", root.Refusals[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedCommandIsKernelNotRemovedWithItsErrorAndNothingIsReadBack()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-removal-");
        try
        {
            var readBack = false;
            var plan = RemovalPlanner.Plan(Request(K45)) with { ReadBack = () => { readBack = true; return null; } };
            var outcome = new ChangeExecutor(new DirectorySystemRoot(root.FullName), new FailingRunner()).Execute(plan);
            Assert.Equal((ErrorIds.KernelNotRemoved, FailureCategory.InvalidResult, (object)K45), (outcome.Failure?.ErrorId, outcome.Failure?.Category, outcome.Failure?.Target));
            Assert.StartsWith($"Kernel {K45} was not removed: /usr/bin/dnf --installroot /r ", outcome.Failure!.Message, StringComparison.Ordinal);
            Assert.EndsWith("failed (exit 1): Error: some transaction problem", outcome.Failure.Message, StringComparison.Ordinal);
            Assert.False(readBack);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static CommandChange Step(ChangePlan plan) => Assert.IsType<CommandChange>(Assert.Single(plan.Steps));

    private static CommandRequest Command(ChangePlan plan) => Step(plan).Request;

    private sealed class FailingRunner : ICommandRunner
    {
        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default) =>
            new(request, 1, string.Empty, "Error: some transaction problem\n", TimeSpan.Zero, false);

        public string? FindProgram(string name) => null;
    }

    [Fact]
    public void MissingPackageManagerIsReported()
    {
        var plan = RemovalPlanner.Plan(Request(K45, programs: new Dictionary<string, string>()));
        Assert.Equal("PackageManagerNotFound", plan.Refusals.FirstOrDefault()?.ErrorId);
    }
}
