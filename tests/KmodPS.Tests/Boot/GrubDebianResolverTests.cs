using KmodPS.Core.Boot;
using static KmodPS.Tests.Boot.BootFixtures;

namespace KmodPS.Tests.Boot;

// Fixture roots: tests/fixtures/boot/debian-*, Debian 12 with kernels 6.1.0-55 and 6.1.0-56. grub.cfg is a Debian 12
// grub-mkconfig output (10_linux: plain entry, then "Advanced options" with normal and recovery entries per kernel);
// grubenv written by `grub-editenv <file> create` + `grub-editenv <file> set saved_entry=...|next_entry=...`.
public sealed class GrubDebianResolverTests
{
    private static readonly string Advanced = $"gnulinux-advanced-{DebianUuid}";
    private static readonly string Entry55 = $"gnulinux-6.1.0-55-amd64-advanced-{DebianUuid}";
    private static readonly string Entry56 = $"gnulinux-6.1.0-56-amd64-advanced-{DebianUuid}";
    private static readonly string Simple = $"gnulinux-simple-{DebianUuid}";

    [Fact]
    public void GrubDefaultZeroBootsTheFirstEntryWhichIsTheNewestKernel()
    {
        var (next, log) = Resolve("debian-default-0");
        Assert.Equal(BootLoaderKind.GrubDebian, next.Loader);
        Assert.Equal("6.1.0-56-amd64", next.KernelVersion);
        Assert.Equal(Simple, next.EntryId);
        Assert.False(next.IsOneShot);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void SavedEntryWithASubmenuIdPathSelectsTheNestedEntry()
    {
        var (next, log) = Resolve("debian-saved-path");
        Assert.Equal("6.1.0-55-amd64", next.KernelVersion);
        Assert.Equal(Entry55, next.EntryId);
        Assert.False(next.IsOneShot);
        Assert.Contains("saved_entry", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void GrubDefaultTitlePathSelectsTheNestedEntry()
    {
        var (next, log) = Resolve("debian-title-path");
        Assert.Equal("6.1.0-55-amd64", next.KernelVersion);
        Assert.Equal(Entry55, next.EntryId);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void NextEntryIsHonouredEvenWithGrubDefaultZero()
    {
        // 00_header: if [ "${next_entry}" ] ; then set default="${next_entry}" ... else set default="0" fi
        var (next, log) = Resolve("debian-next-entry");
        Assert.Equal("6.1.0-55-amd64", next.KernelVersion);
        Assert.Equal(Entry55, next.EntryId);
        Assert.True(next.IsOneShot);
        Assert.Contains("next_entry", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void EmptySavedEntryBootsTheFirstEntry()
    {
        var (next, log) = Resolve("debian-saved-empty");
        Assert.Equal("6.1.0-56-amd64", next.KernelVersion);
        Assert.Equal(Simple, next.EntryId);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void TheCompiledGrubCfgWinsOverAChangedEtcDefaultGrubWithAWarning()
    {
        var (next, log) = Resolve("debian-stale-default");
        Assert.Equal("6.1.0-56-amd64", next.KernelVersion);
        Assert.Contains(log.Warnings, w => w.Contains("GRUB_DEFAULT=saved") && w.Contains("update-grub"));
    }

    [Fact]
    public void ListsEveryEntryWithItsMenuPath()
    {
        var report = Resolver("debian-saved-path").ReadEntries();
        Assert.Equal(new[]
        {
            Simple,
            Entry56,
            $"gnulinux-6.1.0-56-amd64-recovery-{DebianUuid}",
            Entry55,
            $"gnulinux-6.1.0-55-amd64-recovery-{DebianUuid}",
        }, report.Items.Select(e => e.Id));
        Assert.Equal(new[] { "6.1.0-56-amd64", "6.1.0-56-amd64", "6.1.0-56-amd64", "6.1.0-55-amd64", "6.1.0-55-amd64" }, report.Items.Select(e => e.KernelVersion));
        Assert.Equal(new[] { false, false, true, false, true }, report.Items.Select(e => e.IsRecovery));
        Assert.Equal($"{Advanced}>{Entry55}", report.Items[3].MenuPath);
        Assert.Equal(Simple, report.Items[0].MenuPath);
        Assert.Equal("Debian GNU/Linux, with Linux 6.1.0-55-amd64", report.Items[3].Title);
        Assert.Equal("/boot/vmlinuz-6.1.0-55-amd64", report.Items[3].LinuxPath);
        Assert.Equal("/boot/grub/grub.cfg", report.Items[3].Source);
    }

    [Fact]
    public void FindsTheNonRecoveryPerKernelEntry()
    {
        var resolver = Resolver("debian-saved-path");
        Assert.Equal(Entry56, resolver.FindEntryForKernel("6.1.0-56-amd64")?.Id);
        var entry55 = resolver.FindEntryForKernel("6.1.0-55-amd64");
        Assert.Equal(Entry55, entry55?.Id);
        Assert.Equal($"{Advanced}>{Entry55}", entry55?.MenuPath);
    }
}
