using KmodPS.Core.Locks;
using KmodPS.Core.Models;

namespace KmodPS.Tests.Locks;

public sealed class VersionlockListTests
{
    [Fact]
    public void ReadsPinsExcludesAndSkipsCommentsLikeThePlugin()
    {
        var entries = VersionlockListFile.Parse(LockFixtures.Text("versionlock.list"));
        Assert.Equal(new[]
        {
            "bash-0:5.1.8-9.el9.*", "kernel-0:5.14.0-611.41.1.el9_7.*", "kernel-core-0:5.14.0-611.41.1.el9_7.*", "!kernel*-5.14.0-611.45.1.el9_7.*",
            "kernel-modules-0:5.14.0-611.41.1.el9_7.*", "kernel-modules-core-0:5.14.0-611.41.1.el9_7.*", "kernel-devel-5.14.0-611.41.1.el9_7.x86_64",
        }, entries.Select(e => e.Line));
        var core = entries[2];
        Assert.Equal(("kernel-core", "0", "5.14.0", "611.41.1.el9_7", "*", false), (core.Name, core.Epoch, core.Version, core.Release, core.Arch, core.IsExclude));
        var exclude = entries[3];
        Assert.Equal(("kernel*", null, "5.14.0", "611.45.1.el9_7", true), (exclude.Name, exclude.Epoch, exclude.Version, exclude.Release, exclude.IsExclude));
        Assert.Equal("kernel-devel", entries[6].Name);
        Assert.Equal("x86_64", entries[6].Arch);
    }

    [Fact]
    public void KernelLocksCarryTheirReleaseAndKind()
    {
        var locks = Dnf4Locks.Entries(LockFixtures.Text("versionlock.list"), "/etc/dnf/plugins/versionlock.list").ToList();
        Assert.DoesNotContain(locks, l => l.Package == "bash");
        Assert.Equal(6, locks.Count);
        var pin = locks.Single(l => l.Package == "kernel-core");
        Assert.Equal(("0:5.14.0-611.41.1.el9_7", "5.14.0-611.41.1.el9_7", KernelLockKind.Pin), (pin.Version, pin.KernelVersion, pin.Kind));
        var exclude = locks.Single(l => l.Kind == KernelLockKind.Exclude);
        Assert.Equal(("kernel*", "5.14.0-611.45.1.el9_7"), (exclude.Package, exclude.KernelVersion));
        Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", locks.Single(l => l.Package == "kernel-devel").KernelVersion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# mine\nbash-0:5.1.8-9.el9.*\n")]
    [InlineData("bash-0:5.1.8-9.el9.*")]
    [InlineData("bash-0:5.1.8-9.el9.*\n\n\n")]
    public void RemovingWhatThePluginAppendedGivesBackTheExactBytes(string original)
    {
        // What dnf-plugins-core's _write_locklist appends, one call per NEVRA.
        var text = original;
        foreach (var spec in new[] { "kernel-0:5.14.0-611.41.1.el9_7.*", "kernel-core-0:5.14.0-611.41.1.el9_7.*" })
        {
            text += "\n# Added lock on Mon Nov 23 19:13:53 2026\n" + spec + "\n";
        }
        text += "\n# Added exclude on Mon Nov 23 19:13:54 2026\n!kernel*-5.14.0-611.45.1.el9_7.*\n";
        var restored = VersionlockListFile.Remove(text, new[] { "kernel-core-0:5.14.0-611.41.1.el9_7.*", "!kernel*-5.14.0-611.45.1.el9_7.*", "kernel-0:5.14.0-611.41.1.el9_7.*" });
        Assert.Equal(original, restored);
    }

    [Fact]
    public void RemovingOneLineOfAMultiLineBlockKeepsTheCommentForTheOthers()
    {
        var text = LockFixtures.Text("versionlock.list");
        var result = VersionlockListFile.Remove(text, new[] { "kernel-modules-0:5.14.0-611.41.1.el9_7.*" });
        Assert.Contains("# Added lock on Tue Nov 24 08:00:00 2026\nkernel-modules-core-0:5.14.0-611.41.1.el9_7.*\n", result);
        Assert.DoesNotContain("kernel-modules-0:", result);
        Assert.StartsWith("# Locks made by hand before KmodPS\nbash-0:5.1.8-9.el9.*\n", result);
        var all = VersionlockListFile.Remove(result, new[] { "kernel-modules-core-0:5.14.0-611.41.1.el9_7.*", "kernel-devel-5.14.0-611.41.1.el9_7.x86_64" });
        Assert.DoesNotContain("Tue Nov 24", all);
    }

    [Fact]
    public void RemovingALineThatIsNotThereChangesNothing()
    {
        var text = LockFixtures.Text("versionlock.list");
        Assert.Equal(text, VersionlockListFile.Remove(text, new[] { "kernel-0:9.9.9-1.el9.*", "kernel-0:5.14.0-611.41.1.el9_7" }));
    }

    [Theory]
    [InlineData("[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n", "/etc/dnf/plugins/versionlock.list")]
    [InlineData("[main]\nenabled=1\nlocklist=/srv/locks.list\n", "/srv/locks.list")]
    [InlineData("[other]\nlocklist = /x\n", null)]
    [InlineData("[main]\nenabled = 1\n", null)]
    public void ReadsTheLocklistOfVersionlockConf(string config, string? expected) =>
        Assert.Equal(expected, VersionlockListFile.LocklistFromConfig(config));
}
