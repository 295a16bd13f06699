using KmodPS.Core.Boot;
using static KmodPS.Tests.Boot.BootFixtures;

namespace KmodPS.Tests.Boot;

// Fixture roots: tests/fixtures/boot/sdboot-*, Debian 12 with systemd-boot, ESP at /boot/efi, kernel-install's
// type #1 entries for 6.1.0-55 and 6.1.0-56. EFI variables under sys/firmware/efi/efivars are 4 attribute bytes
// (07 00 00 00) plus a NUL-terminated UTF-16LE id; the UKI is a minimal PE with .osrel and .uname (make-fixtures.sh).
public sealed class SystemdBootResolverTests
{
    private static readonly string Entry55 = $"{SdBootMachineId}-6.1.0-55-amd64.conf";
    private static readonly string Entry56 = $"{SdBootMachineId}-6.1.0-56-amd64.conf";

    [Fact]
    public void LoaderConfDefaultGlobSelectsTheEntry()
    {
        var (next, log) = Resolve("sdboot-glob");
        Assert.Equal(BootLoaderKind.SystemdBoot, next.Loader);
        Assert.Equal("6.1.0-55-amd64", next.KernelVersion);
        Assert.Equal(Entry55, next.EntryId);
        Assert.False(next.IsOneShot);
        Assert.Contains("loader.conf", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void OneShotEfiVariableWinsOverDefaults()
    {
        var (next, log) = Resolve("sdboot-oneshot");
        Assert.Equal("6.1.0-56-amd64", next.KernelVersion);
        Assert.Equal(Entry56, next.EntryId);
        Assert.True(next.IsOneShot);
        Assert.Contains("LoaderEntryOneShot", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void ADefaultVariableThatMatchesNoEntryIsUnknownWithAWarning()
    {
        var (next, log) = Resolve("sdboot-stale-default");
        Assert.Equal(BootLoaderKind.SystemdBoot, next.Loader);
        Assert.Null(next.KernelVersion);
        var warning = Assert.Single(log.Warnings);
        Assert.Contains("LoaderEntryDefault", warning);
        Assert.Contains($"{SdBootMachineId}-6.1.0-54-amd64.conf", warning);
    }

    [Fact]
    public void WithoutADefaultTheFirstEntryInSortOrderBootsAndUkiReleasesComeFromUname()
    {
        var (next, log) = Resolve("sdboot-uki");
        Assert.Equal("6.1.0-57-amd64", next.KernelVersion);
        Assert.Equal("debian-bookworm.efi", next.EntryId);
        Assert.Contains("first entry", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void ListsEntriesInSystemdBootOrder()
    {
        var report = Resolver("sdboot-uki").ReadEntries();
        Assert.Equal(new[] { "debian-bookworm.efi", Entry56, Entry55 }, report.Items.Select(e => e.Id));
        Assert.Equal(new[] { "6.1.0-57-amd64", "6.1.0-56-amd64", "6.1.0-55-amd64" }, report.Items.Select(e => e.KernelVersion));
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", report.Items[0].Title);
        Assert.Equal($"/{SdBootMachineId}/6.1.0-56-amd64/linux", report.Items[1].LinuxPath);
        Assert.Equal($"/boot/efi/loader/entries/{Entry56}", report.Items[1].Source);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void FindsTheEntryOfAKernel() =>
        Assert.Equal(Entry55, Resolver("sdboot-glob").FindEntryForKernel("6.1.0-55-amd64")?.Id);

    [Theory]
    [InlineData("*-6.1.0-55*", "abc-6.1.0-55-amd64.conf", true)]
    [InlineData("ABC-*.conf", "abc-6.1.0-55-amd64.conf", true)]
    [InlineData("abc-6.1.0-5?-amd64.conf", "abc-6.1.0-56-amd64.conf", true)]
    [InlineData("abc-6.1.0-5[!6]-amd64.conf", "abc-6.1.0-56-amd64.conf", false)]
    [InlineData("abc-6.1.0-55", "abc-6.1.0-55-amd64.conf", false)]
    [InlineData("a.c", "abc", false)]
    public void MatchesDefaultPatternsLikeEfiFnmatch(string pattern, string id, bool matches) =>
        Assert.Equal(matches, EfiGlob.IsMatch(pattern, id));

    [Fact]
    public void ReadsNoSectionsFromFilesThatAreNotPeImages()
    {
        Assert.Null(PeSections.Read(new MemoryStream(new byte[10]), ".osrel"));
        Assert.Null(PeSections.Read(new MemoryStream("MZ"u8.ToArray().Concat(new byte[200]).ToArray()), ".osrel"));
    }

    [Theory]
    [InlineData("arch+3-1.conf", 3, 1)]
    [InlineData("arch+2.conf", 2, 0)]
    [InlineData("arch.conf", -1, -1)]
    [InlineData("arch+x.conf", -1, -1)]
    public void ParsesBootCounters(string name, int left, int done) =>
        Assert.Equal((left, done), BootCounter.Parse(name, ".conf"));
}
