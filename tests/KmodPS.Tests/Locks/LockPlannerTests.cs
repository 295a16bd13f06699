using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Tests.SecureBoot;
using static KmodPS.Tests.Locks.LockFixtures;

namespace KmodPS.Tests.Locks;

public sealed class LockPlannerTests
{
    [Fact]
    public void PinOnDnf4RunsOneVersionlockAddPerInstalledSubpackage()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma(), "5.14.0-611.41.1.el9_7.x86_64");
        Assert.Empty(plan.Refusals);
        var commands = Commands(plan);
        Assert.Equal(new[] { "kernel", "kernel-core", "kernel-devel", "kernel-modules", "kernel-modules-core", "kernel-tools-libs" },
            commands.Select(c => c.Request.Arguments[^1].Split("-0:")[0]));
        var first = commands[0].Request;
        Assert.Equal("dnf", first.FileName);
        Assert.Equal(new[]
        {
            "--installroot=/w", "--releasever=9", "--setopt=pluginconfpath=/tmp/kmodps-test", "--disableplugin=*", "--enableplugin=versionlock",
            "--disablerepo=*", "--setopt=exit_on_lock=True", "-q", "versionlock", "add", "kernel-0:5.14.0-611.41.1.el9_7.x86_64",
        }, first.Arguments);
        Assert.Equal("/tmp/kmodps-test", first.Environment["HOME"]);
        Assert.Equal("C", first.Environment["LC_ALL"]);
        Assert.Contains(commands[0].TemporaryFiles, f => f.Path == "/tmp/kmodps-test/versionlock.conf" && f.Content.Contains("locklist = /w/etc/dnf/plugins/versionlock.list\n"));
        Assert.Contains(commands[0].TemporaryFiles, f => f.Path == "/tmp/kmodps-test/.rpmmacros" && f.Content == "%_dbpath /var/lib/rpm\n");
        Assert.Equal(6, Journal(plan).Expectations.Count);
        Assert.Equal(new[] { "/etc/dnf/plugins/versionlock.list" }, plan.Touches);
    }

    [Fact]
    public void AMissingLockListIsCreatedFirstBecauseThePluginReadsItBeforeAppending()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma(list: null), "5.14.0-611.41.1.el9_7");
        var create = Assert.IsType<FileChange>(plan.Steps[0]);
        Assert.Equal(("/etc/dnf/plugins/versionlock.list", string.Empty), (create.TreePath, Preview(plan, create.TreePath, null)));
        Assert.Equal("already there\n", Preview(plan, create.TreePath, "already there\n"));
        Assert.Equal(7, plan.Steps.Count);
        Assert.Single(LockPlanner.Exclude(LockFixtures.Alma(list: null), new[] { "5.14.0-611.45.1.el9_7", "5.14.0-611.49.1.el9_7" }).Steps.OfType<FileChange>());
    }

    [Fact]
    public void PinOfTheHostRootNeedsNoPluginRedirection()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma(root: "/"), "5.14.0-611.41.1.el9_7");
        var request = ((CommandChange)plan.Steps[0]).Request;
        Assert.DoesNotContain(request.Arguments, a => a.StartsWith("--installroot", StringComparison.Ordinal) || a.StartsWith("--setopt=pluginconfpath", StringComparison.Ordinal));
        Assert.False(request.Environment.ContainsKey("HOME"));
        Assert.Empty(Commands(plan).SelectMany(c => c.TemporaryFiles));
    }

    [Fact]
    public void PinningTwicePlansNothingAndSaysWhy()
    {
        var list = string.Concat(LockFixtures.AlmaAfterPackages.Where(p => p.VersionRelease == "5.14.0-611.41.1.el9_7")
            .Select(p => $"\n# Added lock on Mon Nov 23 19:13:53 2026\n{p.VersionlockSpec}\n"));
        var plan = LockPlanner.Pin(LockFixtures.Alma(list), "5.14.0-611.41.1.el9_7.x86_64");
        Assert.True(plan.IsNoOp);
        Assert.Empty(plan.Refusals);
        Assert.Equal(6, plan.Notes.Count(n => n.Contains("already locked in")));
        Assert.Contains(plan.Notes, n => n.Contains("nothing to do"));
    }

    [Fact]
    public void PinAddsOnlyTheMissingSubpackages()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma(LockFixtures.Text("versionlock.list")), "5.14.0-611.41.1.el9_7.x86_64");
        Assert.Equal(new[] { "kernel-devel-0:5.14.0-611.41.1.el9_7.x86_64", "kernel-tools-libs-0:5.14.0-611.41.1.el9_7.x86_64" },
            Commands(plan).Select(c => c.Request.Arguments[^1]));
    }

    [Theory]
    [InlineData("5.14.0-611.45.1.el9_7.x86_64")]
    [InlineData("6.1.0-56-amd64")]
    public void PinOfAReleaseWithNoInstalledPackageIsKernelNotFound(string release)
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma(), release);
        var failure = Assert.Single(plan.Refusals);
        Assert.Equal(("KernelNotFound", FailureCategory.ObjectNotFound, (object?)release), (failure.ErrorId, failure.Category, failure.Target));
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void WithoutTheVersionlockPluginNothingIsPlannedAndThePackageIsNamed()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma() with { VersionlockPluginInstalled = false }, "5.14.0-611.41.1.el9_7");
        var failure = Assert.Single(plan.Refusals);
        Assert.Equal(("VersionlockPluginMissing", FailureCategory.NotInstalled), (failure.ErrorId, failure.Category));
        Assert.Contains("python3-dnf-plugin-versionlock", failure.Message);
        Assert.Contains("dnf-plugins-core", failure.Message);
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void WithoutAPackageManagerNothingIsPlanned()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma() with { Program = null }, "5.14.0-611.41.1.el9_7");
        Assert.Equal("PackageManagerNotFound", Assert.Single(plan.Refusals).ErrorId);
    }

    [Fact]
    public void PinningAnExcludedReleaseIsAConflict()
    {
        var plan = LockPlanner.Pin(LockFixtures.Alma("!kernel*-5.14.0-611.41.1.el9_7.*\n"), "5.14.0-611.41.1.el9_7.x86_64");
        Assert.Equal("LockConflict", Assert.Single(plan.Refusals).ErrorId);
    }

    [Fact]
    public void ExcludeOnDnf4WritesOneRawSpecPerRelease()
    {
        var plan = LockPlanner.Exclude(LockFixtures.Alma(), new[] { "5.14.0-611.45.1.el9_7.x86_64", "5.14.0-611.49.1.el9_7" });
        Assert.Empty(plan.Refusals);
        var arguments = Commands(plan).Select(c => string.Join(' ', c.Request.Arguments.SkipWhile(a => a != "versionlock"))).ToList();
        Assert.Equal(new[] { "versionlock exclude --raw kernel*-5.14.0-611.45.1.el9_7.*", "versionlock exclude --raw kernel*-5.14.0-611.49.1.el9_7.*" }, arguments);
        Assert.Equal(new[] { "!kernel*-5.14.0-611.45.1.el9_7.*", "!kernel*-5.14.0-611.49.1.el9_7.*" },
            Journal(plan).Expectations.Select(e => e.Description.Split(' ')[0]));
    }

    [Fact]
    public void ExcludingTwiceIsANoOpAndTheRunningKernelIsRefused()
    {
        var again = LockPlanner.Exclude(LockFixtures.Alma("!kernel*-5.14.0-611.45.1.el9_7.*\n"), new[] { "5.14.0-611.45.1.el9_7.x86_64" });
        Assert.True(again.IsNoOp);
        Assert.Contains(again.Notes, n => n.Contains("already excluded"));
        var running = LockPlanner.Exclude(LockFixtures.Alma() with { Root = DirectorySystemRoot.Host, RunningKernel = "5.14.0-611.41.1.el9_7.x86_64" }, new[] { "5.14.0-611.41.1.el9_7" });
        Assert.Equal("RunningKernelExcluded", Assert.Single(running.Refusals).ErrorId);
        Assert.Empty(running.Steps);
    }

    [Fact]
    public void ExcludeOfAReleaseWithoutReleasePartIsInvalid()
    {
        var plan = LockPlanner.Exclude(LockFixtures.Alma(), new[] { "5.14.0" });
        Assert.Equal("InvalidKernelVersion", Assert.Single(plan.Refusals).ErrorId);
    }

    [Fact]
    public void Dnf5PinAndExcludeUseTheDnf5Commands()
    {
        var snapshot = LockFixtures.Alma() with { Backend = LockBackends.Dnf5, Program = "dnf5", VersionlockPluginInstalled = null, Stores = new LockStoreContents() };
        var pin = LockPlanner.Pin(snapshot, "5.14.0-611.41.1.el9_7.x86_64");
        var request = ((CommandChange)pin.Steps[0]).Request;
        Assert.Equal("dnf5", request.FileName);
        Assert.Equal(new[] { "--installroot=/w", "--releasever=9", "-q", "--disable-repo=*", "versionlock", "add", "kernel-0:5.14.0-611.41.1.el9_7.x86_64" }, request.Arguments);
        Assert.Contains(pin.Warnings, w => w.Contains("installonly_limit=3") && w.Contains("dnf5#2368"));
        var exclude = LockPlanner.Exclude(snapshot, new[] { "5.14.0-611.45.1.el9_7.x86_64" });
        Assert.Equal(new[] { "--installroot=/w", "--releasever=9", "-q", "versionlock", "exclude", "kernel*-5.14.0-611.45.1.el9_7" },
            ((CommandChange)exclude.Steps[0]).Request.Arguments);
    }

    [Fact]
    public void DnfConfAndRepositoryExcludesOfKernelsAreReported()
    {
        using var root = new TempRoot();
        root.Write("/etc/dnf/dnf.conf", "[main]\nexclude=bash\n  kernel*\ninstallonly_limit=5\n"u8.ToArray());
        root.Write("/etc/yum.repos.d/lab.repo", "[lab]\nexcludepkgs=kmod-* kernel-core\n[other]\nexclude=zsh\n"u8.ToArray());
        var dnf = DnfConfiguration.Read(root.Root, new DiagnosticLog());
        Assert.Equal(5, dnf.InstallOnlyLimit);
        var plan = LockPlanner.Pin(LockFixtures.Alma() with { Dnf = dnf }, "5.14.0-611.41.1.el9_7");
        Assert.Contains(plan.Warnings, w => w.StartsWith("/etc/dnf/dnf.conf has exclude=kernel*", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.StartsWith("/etc/yum.repos.d/lab.repo [lab] has exclude=kernel-core", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("exclude=bash") || w.Contains("exclude=zsh") || w.Contains("exclude=kmod-*"));
    }

    [Fact]
    public void PinOnDebianHoldsTheReleaseAndTheMetapackagesInOneCall()
    {
        var plan = LockPlanner.Pin(LockFixtures.Debian(), "6.1.0-56-amd64");
        var command = Assert.Single(Commands(plan));
        Assert.Equal("apt-mark", command.Request.FileName);
        Assert.Equal(new[]
        {
            "-o", "Dir=/d", "-o", "DPkg::Options::=--root=/d", "hold",
            "linux-headers-6.1.0-56-amd64", "linux-headers-6.1.0-56-common", "linux-image-6.1.0-56-amd64", "linux-headers-amd64", "linux-image-amd64",
        }, command.Request.Arguments);
        Assert.Equal("unhold", Assert.IsType<CommandChange>(command.Undo).Request.Arguments[4]);
        Assert.Equal(5, Journal(plan).Expectations.Count);
    }

    [Fact]
    public void AHeldDebianKernelWithUnheldMetapackagesIsATrapThatAPinFixes()
    {
        var warnings = LockFixtures.Debian().Traps(locking: false).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("linux-image-6.1.0-55-amd64 is held but linux-headers-amd64, linux-image-amd64 are not", warning);
        Assert.Empty(LockPlanner.Pin(LockFixtures.Debian(), "6.1.0-56-amd64").Warnings);
    }

    [Fact]
    public void PinOnSuseLocksTheReleaseAndNewerEditions()
    {
        var snapshot = new LockSnapshot
        {
            Root = new DirectorySystemRoot("/s"), Backend = LockBackends.Zypper, Program = "zypper",
            RpmPackages = new[] { LockFixtures.Rpm("kernel-default", "5.14.21", "150500.55.39.1"), LockFixtures.Rpm("kernel-default", "5.14.21", "150500.55.44.1") },
            Stores = new LockStoreContents { ZyppLocksText = string.Empty },
        };
        var plan = LockPlanner.Pin(snapshot, "5.14.21-150500.55.39-default");
        Assert.Equal(new[] { "--non-interactive", "--root", "/s", "addlock", "kernel-default = 5.14.21-150500.55.39.1", "kernel-default > 5.14.21-150500.55.39.1" },
            ((CommandChange)Assert.Single(plan.Steps)).Request.Arguments);
        Assert.Equal("LockNotSupported", Assert.Single(LockPlanner.Exclude(snapshot, new[] { "5.14.21-150500.55.44-default" }).Refusals).ErrorId);
    }

    [Fact]
    public void UnlockRemovesOnlyWhatKmodPSRecorded()
    {
        var snapshot = LockFixtures.Alma(LockFixtures.Text("versionlock.list")) with
        {
            Records = new[]
            {
                Record("kernel-0:5.14.0-611.41.1.el9_7.*", "5.14.0-611.41.1.el9_7.x86_64"),
                Record("kernel-core-0:5.14.0-611.41.1.el9_7.*", "5.14.0-611.41.1.el9_7.x86_64"),
                Record("kernel-9.9-1.*", "9.9-1"),
            },
        };
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var edit = Assert.IsType<FileChange>(Assert.Single(plan.Steps));
        Assert.Equal("/etc/dnf/plugins/versionlock.list", edit.TreePath);
        Assert.Equal(LockFixtures.Text("versionlock.list").Replace("\n# Added lock on Mon Nov 23 19:13:53 2026\nkernel-0:5.14.0-611.41.1.el9_7.*\n", string.Empty)
            .Replace("\n# Added lock on Mon Nov 23 19:13:53 2026\nkernel-core-0:5.14.0-611.41.1.el9_7.*\n", string.Empty), Preview(plan, edit.TreePath, snapshot.Stores.VersionlockListText));
        Assert.Contains(plan.Notes, n => n.Contains("kernel-9.9-1.*") && n.Contains("already gone"));
        Assert.Equal(3, Journal(plan).RecordsToRemove.Count);
        Assert.Equal(2, Journal(plan).Expectations.Count);
    }

    [Fact]
    public void UnlockAllRemovesEveryKernelLockButNotOthers()
    {
        var list = LockFixtures.Text("versionlock.list");
        var plan = LockPlanner.Unlock(LockFixtures.Alma(list), Array.Empty<string>(), all: true);
        var edit = Assert.IsType<FileChange>(Assert.Single(plan.Steps));
        Assert.Equal("# Locks made by hand before KmodPS\nbash-0:5.1.8-9.el9.*\n", Preview(plan, edit.TreePath, list));
        var one = LockPlanner.Unlock(LockFixtures.Alma(LockFixtures.Text("versionlock.list")), new[] { "5.14.0-611.45.1.el9_7.x86_64" }, all: true);
        Assert.Equal(LockFixtures.Text("versionlock.list").Replace("\n# Added exclude on Mon Nov 23 19:13:44 2026\n!kernel*-5.14.0-611.45.1.el9_7.*\n", string.Empty),
            Preview(one, Assert.IsType<FileChange>(Assert.Single(one.Steps)).TreePath, list));
    }

    [Fact]
    public void UnlockingWhatIsNotLockedIsANoOpWithAReason()
    {
        var plan = LockPlanner.Unlock(LockFixtures.Alma(), new[] { "5.14.0-611.41.1.el9_7" }, all: false);
        Assert.True(plan.IsNoOp);
        Assert.Empty(plan.Refusals);
        Assert.Contains("nothing to unlock", Assert.Single(plan.Notes));
    }

    [Fact]
    public void UnlockOnDnf5DeletesWholeNamesWithTheToolAndEditsMixedOnes()
    {
        var toml = LockFixtures.Text("versionlock.toml");
        var snapshot = LockFixtures.Alma() with
        {
            Backend = LockBackends.Dnf5, Program = "dnf5",
            Stores = new LockStoreContents { VersionlockTomlText = toml },
            Records = new[]
            {
                new LockRecord(LockStore.DnfVersionlockToml, "/etc/dnf/versionlock.toml", "kernel|evr = 6.11.4-301.fc41", "kernel", "6.11.4-301.fc41", KernelLockKind.Pin, "6.11.4-301.fc41.x86_64", DateTimeOffset.UnixEpoch),
                new LockRecord(LockStore.DnfVersionlockToml, "/etc/dnf/versionlock.toml", "kernel-core|evr = 6.11.4-301.fc41", "kernel-core", "6.11.4-301.fc41", KernelLockKind.Pin, "6.11.4-301.fc41.x86_64", DateTimeOffset.UnixEpoch),
            },
        };
        var plan = LockPlanner.Unlock(snapshot, new[] { "6.11.4-301.fc41.x86_64" }, all: false);
        Assert.Equal(2, plan.Steps.Count);
        Assert.Equal(new[] { "--installroot=/w", "--releasever=9", "-q", "--disable-repo=*", "versionlock", "delete", "kernel" }, ((CommandChange)plan.Steps[0]).Request.Arguments);
        var edit = Assert.IsType<FileChange>(plan.Steps[1]);
        var left = VersionlockTomlFile.Parse(Preview(plan, edit.TreePath, toml)!);
        Assert.Equal(new[] { "kernel", "kernel-core", "bash", "*nvidia*" }, left.Select(p => p.Name));
        Assert.True(left[1].IsExclude);
    }

    [Fact]
    public void UnlockOnDebianUnholdsAndKeepsMetapackagesAnotherPinNeeds()
    {
        var status = LockFixtures.Text("dpkg-status-debian").Replace("Package: linux-image-amd64\nStatus: install ok installed", "Package: linux-image-amd64\nStatus: hold ok installed")
            .Replace("Package: linux-image-6.1.0-56-amd64\nStatus: install ok installed", "Package: linux-image-6.1.0-56-amd64\nStatus: hold ok installed");
        var snapshot = LockFixtures.Debian() with
        {
            Stores = new LockStoreContents { DpkgPackages = DpkgStatusFile.Parse(status) },
            Records = new[]
            {
                Hold("linux-image-6.1.0-56-amd64", "6.1.0-56-amd64"), Hold("linux-image-amd64", "6.1.0-56-amd64"), Hold("linux-image-6.1.0-55-amd64", "6.1.0-55-amd64"),
            },
        };
        var plan = LockPlanner.Unlock(snapshot, new[] { "6.1.0-56-amd64" }, all: false);
        Assert.Equal(new[] { "-o", "Dir=/d", "-o", "DPkg::Options::=--root=/d", "unhold", "linux-image-6.1.0-56-amd64" }, Assert.Single(Commands(plan)).Request.Arguments);
        Assert.Equal("6.1.0-55-amd64", Assert.Single(Journal(plan).RecordsToReassign).Value);
        var everything = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        Assert.Equal(new[] { "linux-image-6.1.0-56-amd64", "linux-image-amd64", "linux-image-6.1.0-55-amd64" }, Assert.Single(Commands(everything)).Request.Arguments.Skip(5));
    }

    [Fact]
    public void ExcludeOnDebianAppendsAnAptPreferencesStanza()
    {
        var plan = LockPlanner.Exclude(LockFixtures.Debian(), new[] { "6.1.0-57-amd64", "6.1.0-58-amd64" });
        Assert.Equal(2, plan.Steps.Count);
        var last = Assert.IsType<FileChange>(plan.Steps[1]);
        Assert.Equal("/etc/apt/preferences.d/kmodps-kernel-exclude.pref", last.TreePath);
        Assert.Equal("/var/lib/kmodps/backup/etc_apt_preferences.d_kmodps-kernel-exclude.pref.bak", last.BackupPath);
        var preview = Preview(plan, last.TreePath, null);
        Assert.Equal(AptPreferencesFile.ExcludeStanza("6.1.0-57-amd64") + "\n" + AptPreferencesFile.ExcludeStanza("6.1.0-58-amd64"), preview);
        Assert.Contains("Package: linux-*-6.1.0-57-amd64*\nPin: version *\nPin-Priority: -1\n", preview);
    }

    private static LockRecord Record(string key, string kernel) =>
        new(LockStore.DnfVersionlockList, "/etc/dnf/plugins/versionlock.list", key, key.Split("-0:")[0], null, KernelLockKind.Pin, kernel, DateTimeOffset.UnixEpoch);

    private static LockRecord Hold(string name, string kernel) =>
        new(LockStore.DpkgHold, "apt-mark", name, name, null, KernelLockKind.Hold, kernel, DateTimeOffset.UnixEpoch);
}
