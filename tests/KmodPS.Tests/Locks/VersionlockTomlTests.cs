using KmodPS.Core.Locks;
using KmodPS.Core.Models;

namespace KmodPS.Tests.Locks;

public sealed class VersionlockTomlTests
{
    [Fact]
    public void ReadsPackagesWithConditionTablesAndInlineArrays()
    {
        var packages = VersionlockTomlFile.Parse(LockFixtures.Text("versionlock.toml"));
        Assert.Equal(new[] { "kernel-core", "kernel", "kernel-core", "bash", "*nvidia*" }, packages.Select(p => p.Name));
        Assert.Equal(new VersionlockCondition("evr", "=", "6.11.4-301.fc41"), Assert.Single(packages[0].Conditions));
        Assert.Equal("Added by 'versionlock add' command on 2026-11-23 19:13:53", packages[0].Comment);
        Assert.True(packages[2].IsExclude);
        Assert.Equal(new[] { "6.12.5-200.fc41", "6.12.6-200.fc41" }, packages[2].Conditions.Select(c => c.Value));
        Assert.Equal(new[] { ">= 3:570", "< 3:571" }, packages[4].Conditions.Select(c => $"{c.Comparator} {c.Value}"));
    }

    [Fact]
    public void KernelEntriesBecomePinsAndOneExcludePerCondition()
    {
        var locks = Dnf5Locks.Entries(LockFixtures.Text("versionlock.toml"), "/etc/dnf/versionlock.toml").ToList();
        Assert.Equal(4, locks.Count);
        Assert.Equal(2, locks.Count(l => l.Kind == KernelLockKind.Pin && l.KernelVersion == "6.11.4-301.fc41"));
        Assert.Equal(new[] { "6.12.5-200.fc41", "6.12.6-200.fc41" }, locks.Where(l => l.Kind == KernelLockKind.Exclude).Select(l => l.KernelVersion));
        Assert.Equal("kernel-core|evr = 6.11.4-301.fc41", locks[0].Key);
    }

    [Fact]
    public void RemovesWholeEntriesAndKeepsTheRestByteForByte()
    {
        var text = LockFixtures.Text("versionlock.toml");
        var packages = VersionlockTomlFile.Parse(text);
        var result = VersionlockTomlFile.Remove(text, new[] { packages[1], packages[2] });
        var left = VersionlockTomlFile.Parse(result);
        Assert.Equal(new[] { "kernel-core", "bash", "*nvidia*" }, left.Select(p => p.Name));
        Assert.StartsWith(text[..text.IndexOf("[[packages]]\nname = \"kernel\"", StringComparison.Ordinal)], result);
        Assert.EndsWith(text[text.IndexOf("[[packages]]\nname = \"bash\"", StringComparison.Ordinal)..], result);
        Assert.Contains("# keep all *nvidia* packages", result);
    }

    [Fact]
    public void AnEmptyOrUnversionedFileHasNoPackages()
    {
        Assert.Empty(VersionlockTomlFile.Parse(string.Empty));
        Assert.Empty(VersionlockTomlFile.Parse("version = \"1.0\"\n"));
    }
}
