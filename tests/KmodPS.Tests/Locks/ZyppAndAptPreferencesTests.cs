using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Tests.Locks;

public sealed class ZyppAndAptPreferencesTests
{
    [Fact]
    public void ReadsZyppLocksSeparatedByBlankLines()
    {
        var locks = ZyppLocksFile.Parse(LockFixtures.Text("zypp-locks"));
        Assert.Equal(5, locks.Count);
        Assert.Equal(("kernel-default", "==", "5.14.21-150500.55.39.1"), (locks[0].Name, locks[0].Operator, locks[0].Edition));
        Assert.Equal("kernel-default = 5.14.21-150500.55.39.1", locks[0].Spec);
        Assert.Equal("kernel-default > 5.14.21-150500.55.39.1", locks[1].Spec);
        Assert.Equal(("kernel-default-devel", ">", "5.14.21-150500.55.39.1"), (locks[2].Name, locks[2].Operator, locks[2].Edition));
        Assert.Equal(("vim", null), (locks[3].Name, locks[3].Edition));
    }

    [Fact]
    public void KernelZyppLocksHaveKindsAndTheSuseRelease()
    {
        var locks = ZypperLocks.Entries(LockFixtures.Text("zypp-locks"), "/etc/zypp/locks").ToList();
        Assert.Equal(3, locks.Count);
        Assert.Equal(new[] { KernelLockKind.Hold, KernelLockKind.Exclude, KernelLockKind.Exclude }, locks.Select(l => l.Kind));
        Assert.All(locks, l => Assert.Equal("5.14.21-150500.55.39-default", l.KernelVersion));
        Assert.Equal("> 5.14.21-150500.55.39.1", locks[1].Version);
    }

    [Fact]
    public void SuseFlavourPackagesMapToUnameReleases()
    {
        var packages = new[]
        {
            LockFixtures.Rpm("kernel-default", "5.14.21", "150500.55.39.1"), LockFixtures.Rpm("kernel-default-devel", "5.14.21", "150500.55.39.1"),
            LockFixtures.Rpm("kernel-devel", "5.14.21", "150500.55.39.1", "noarch"), LockFixtures.Rpm("kernel-default", "5.14.21", "150500.55.44.1"),
        };
        Assert.Equal(new[] { "kernel-default", "kernel-default-devel", "kernel-devel" },
            RpmKernelPackages.OfRelease(packages, "5.14.21-150500.55.39-default").Select(p => p.Name));
    }

    [Fact]
    public void AptPreferencesWithNegativePriorityAreExcludes()
    {
        var locks = AptLocks.PreferenceEntries(LockFixtures.Text("apt-preferences"), "/etc/apt/preferences.d/kmodps-kernel-exclude.pref").ToList();
        var exclude = Assert.Single(locks);
        Assert.Equal(("linux-*-6.1.0-57-amd64*", "6.1.0-57-amd64", KernelLockKind.Exclude), (exclude.Package, exclude.KernelVersion, exclude.Kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Package: nodejs\nPin: origin deb.nodesource.com\nPin-Priority: 600\n")]
    public void AppendingAndRemovingAnExcludeStanzaGivesBackTheFile(string original)
    {
        var text = AptPreferencesFile.Append(original, AptPreferencesFile.ExcludeStanza("6.1.0-57-amd64"));
        text = AptPreferencesFile.Append(text, AptPreferencesFile.ExcludeStanza("6.1.0-58-amd64"));
        Assert.Equal(2, AptPreferencesFile.Parse(text).Count(s => s.Priority < 0));
        var first = AptPreferencesFile.Remove(text, AptPreferencesFile.Parse(text).Where(s => s.Package.Contains("-57-")));
        var both = AptPreferencesFile.Remove(first, AptPreferencesFile.Parse(first).Where(s => s.Priority < 0));
        Assert.Equal(original, both);
    }
}
