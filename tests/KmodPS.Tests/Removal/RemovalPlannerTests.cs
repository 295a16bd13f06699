using KmodPS.Core.Models;
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
        Assert.Null(plan.Refusal);
        Assert.Equal("/usr/bin/dnf", plan.Command!.FileName);
        Assert.Equal(new[]
        {
            "--installroot", "/r", "--setopt=reposdir=/r/etc/yum.repos.d", "--noplugins", "--disablerepo=*", "-y", "remove",
            "kernel-5.14.0-611.45.1.el9_7.x86_64", "kernel-core-5.14.0-611.45.1.el9_7.x86_64",
            "kernel-modules-5.14.0-611.45.1.el9_7.x86_64", "kernel-modules-core-5.14.0-611.45.1.el9_7.x86_64",
        }, plan.Command.Arguments);
        Assert.Equal("/var/lib/rpm", plan.RpmDatabasePath);
        Assert.DoesNotContain(plan.Command.Arguments, a => a.Contains("cachedir", StringComparison.Ordinal) || a.Contains("logdir", StringComparison.Ordinal));
    }

    [Fact]
    public void OnTheHostDnfRunsWithItsOwnConfigurationAndPlugins()
    {
        var plan = RemovalPlanner.Plan(Request(K45, hostRoot: true));
        Assert.Equal(new[] { "--disablerepo=*", "-y", "remove" }, plan.Command!.Arguments.Take(3));
        Assert.Null(plan.RpmDatabasePath);
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
            Assert.Equal(id, plan.Refusal?.ErrorId);
            Assert.Null(plan.Command);
            Assert.Equal(kernel, plan.Refusal!.Target);
        }
    }

    [Fact]
    public void LockedKernelIsRefusedWhateverForceSays()
    {
        Assert.Equal("RemoveLockedKernel", RemovalPlanner.Plan(Request(K45, locks: new[] { "kernel-core locked" }, force: true)).Refusal?.ErrorId);
    }

    [Fact]
    public void RunningKernelIsCheckedBeforeTheNextBoot()
    {
        Assert.Equal("RemoveRunningKernel", RemovalPlanner.Plan(Request(K49, running: K49)).Refusal?.ErrorId);
    }

    [Fact]
    public void UnhealthyKernelMayGoWhileAHealthyOneStays()
    {
        Assert.Null(RemovalPlanner.Plan(Request(K45)).Refusal);
    }

    [Fact]
    public void WhenNoKernelIsHealthyAnUnhealthyOneMayStillGoButTheNextBootStays()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Missing), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows, nextBoot: K49)).Refusal);
        Assert.Equal("RemoveNextBootKernel", RemovalPlanner.Plan(Request(K49, rows: rows, nextBoot: K49)).Refusal?.ErrorId);
    }

    [Fact]
    public void AHealthyKernelWithoutImageDoesNotCountAsTheOneThatStays()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K49, "nvidia", ModuleState.Missing), Row(K45, "nvidia", ModuleState.Installed) };
        var kernels = new[] { Kernel(K41, image: false), Kernel(K45), Kernel(K49) };
        Assert.Equal("RemoveLastHealthyKernel", RemovalPlanner.Plan(Request(K45, rows: rows, kernels: kernels, nextBoot: K49)).Refusal?.ErrorId);
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows, nextBoot: K49)).Refusal);
    }

    [Fact]
    public void AddedDkmsSourceDoesNotMakeAKernelUnhealthy()
    {
        var rows = new[] { Row(K41, "lab_added", ModuleState.Added), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing) };
        Assert.Null(RemovalPlanner.Plan(Request(K45, rows: rows)).Refusal);
    }

    [Fact]
    public void DependentsNeedForceAndAreThenNamedInTheCommand()
    {
        var rows = new[] { Row(K41, "nvidia", ModuleState.Installed), Row(K49, "nvidia", ModuleState.Installed) };
        var refused = RemovalPlanner.Plan(Request(K41, rows: rows));
        Assert.Equal("RemoveDependentPackages", refused.Refusal?.ErrorId);
        Assert.Contains("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", refused.Refusal!.Message, StringComparison.Ordinal);
        var forced = RemovalPlanner.Plan(Request(K41, rows: rows, force: true));
        Assert.Null(forced.Refusal);
        Assert.Contains("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", forced.Command!.Arguments);
        Assert.Contains("kernel-devel-5.14.0-611.41.1.el9_7.x86_64", forced.Command.Arguments);
        Assert.Single(forced.Warnings);
    }

    [Fact]
    public void UnpackagedKernelIsNotRemoved()
    {
        var kernels = new[] { Kernel(K41), Kernel(K45), Kernel(K49), Kernel("6.9.0-custom") };
        Assert.Equal("KernelNotPackaged", RemovalPlanner.Plan(Request("6.9.0-custom", kernels: kernels)).Refusal?.ErrorId);
    }

    [Fact]
    public void DebianUsesAptGetPurgeOnTheHostAndRefusesAnAlternateRoot()
    {
        var installed = DpkgStatusFile.InstalledPackages(DpkgStatusFileTests.Status);
        var kernels = new[] { Kernel("6.1.0-55-amd64"), Kernel("6.1.0-56-amd64") };
        var rows = Array.Empty<ModuleStatus>();
        var host = RemovalPlanner.Plan(Request("6.1.0-55-amd64", installed, rows, nextBoot: "6.1.0-56-amd64", hostRoot: true, family: HostFamily.Debian, kernels: kernels));
        Assert.Null(host.Refusal);
        Assert.Equal("/usr/bin/apt-get", host.Command!.FileName);
        Assert.Equal(new[] { "-y", "purge", "linux-headers-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64", "linux-image-6.1.0-55-amd64-unsigned", "linux-modules-nvidia-550-6.1.0-55-amd64" },
            host.Command.Arguments);
        Assert.Equal("noninteractive", host.Command.Environment["DEBIAN_FRONTEND"]);
        var root = RemovalPlanner.Plan(Request("6.1.0-55-amd64", installed, rows, nextBoot: "6.1.0-56-amd64", family: HostFamily.Debian, kernels: kernels));
        Assert.Equal("AptRootNotSupported", root.Refusal?.ErrorId);
        Assert.Contains("chroot /r apt-get purge linux-headers-6.1.0-55-amd64", root.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPackageManagerIsReported()
    {
        var plan = RemovalPlanner.Plan(Request(K45, programs: new Dictionary<string, string>()));
        Assert.Equal("PackageManagerNotFound", plan.Refusal?.ErrorId);
    }
}
