using KmodPS.Core.Boot;
using static KmodPS.Tests.Boot.BootFixtures;

namespace KmodPS.Tests.Boot;

// Fixture roots: tests/fixtures/boot/rhel-bls-*, AlmaLinux 9.7 with kernels 611.41.1, 611.45.1, 611.49.1 and a rescue
// entry; grubenv written by `grub-editenv <file> create` + `grub-editenv <file> set saved_entry=... [next_entry=...]`
// (see make-fixtures.sh).
public sealed class GrubBlsResolverTests
{
    private const string K41 = "5.14.0-611.41.1.el9_7.x86_64";
    private const string K45 = "5.14.0-611.45.1.el9_7.x86_64";
    private const string K49 = "5.14.0-611.49.1.el9_7.x86_64";

    [Fact]
    public void SavedEntryWithABlsIdSelectsThatKernel()
    {
        var (next, log) = Resolve("rhel-bls-saved");
        Assert.Equal(BootLoaderKind.GrubBls, next.Loader);
        Assert.Equal(K41, next.KernelVersion);
        Assert.Equal(RhelId(K41), next.EntryId);
        Assert.False(next.IsOneShot);
        Assert.Contains("saved_entry", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void NextEntryWinsOverSavedEntryForOneBoot()
    {
        var (next, log) = Resolve("rhel-bls-next");
        Assert.Equal(K49, next.KernelVersion);
        Assert.Equal(RhelId(K49), next.EntryId);
        Assert.True(next.IsOneShot);
        Assert.Contains("next_entry", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void NumericSavedEntryIndexesTheEntriesNewestFirst()
    {
        // blscfg order: 611.49.1, 611.45.1, 611.41.1, rescue; index 1 is 611.45.1.
        var (next, log) = Resolve("rhel-bls-index");
        Assert.Equal(K45, next.KernelVersion);
        Assert.Equal(RhelId(K45), next.EntryId);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void WithoutSavedEntryGrubBootsTheNewestKernel()
    {
        var (next, log) = Resolve("rhel-bls-unset");
        Assert.Equal(K49, next.KernelVersion);
        Assert.Contains("no saved_entry", next.Explanation);
        Assert.Contains("first", next.Explanation);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void SavedEntryOfARemovedKernelIsUnknownWithAWarning()
    {
        var (next, log) = Resolve("rhel-bls-removed");
        Assert.Equal(BootLoaderKind.GrubBls, next.Loader);
        Assert.Null(next.KernelVersion);
        Assert.Null(next.EntryId);
        var warning = Assert.Single(log.Warnings);
        Assert.Contains(RhelId("5.14.0-611.36.1.el9_7.x86_64"), warning);
        Assert.Contains("matches no item", warning);
        Assert.Contains("fall back", next.Explanation);
    }

    [Fact]
    public void EntriesAreListedInBlscfgOrderWithTheRescueEntryLast()
    {
        var report = Resolver("rhel-bls-saved").ReadEntries();
        Assert.Equal(new[] { RhelId(K49), RhelId(K45), RhelId(K41), RhelMachineId + "-0-rescue" }, report.Items.Select(e => e.Id));
        var rescue = report.Items[^1];
        Assert.True(rescue.IsRecovery);
        Assert.Null(rescue.KernelVersion);
        var newest = report.Items[0];
        Assert.Equal("AlmaLinux (5.14.0-611.49.1.el9_7.x86_64) 9.7 (Moss Jungle Cat)", newest.Title);
        Assert.Equal("/vmlinuz-" + K49, newest.LinuxPath);
        Assert.Equal($"/boot/loader/entries/{RhelId(K49)}.conf", newest.Source);
        Assert.Equal(newest.Id, newest.MenuPath);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void FindsTheEntryOfAKernel()
    {
        var entry = Resolver("rhel-bls-saved").FindEntryForKernel(K45);
        Assert.NotNull(entry);
        Assert.Equal(RhelId(K45), entry.Id);
        Assert.Null(Resolver("rhel-bls-saved").FindEntryForKernel("5.14.0-611.36.1.el9_7.x86_64"));
    }

    [Fact]
    public void OrdersBlsIdsLikeBlscfg()
    {
        var ids = new[] { RhelId(K41), RhelMachineId + "-0-rescue", RhelId("5.14.0-611.9.1.el9_7.x86_64"), RhelId(K49) };
        Assert.Equal(
            new[] { RhelId(K49), RhelId(K41), RhelId("5.14.0-611.9.1.el9_7.x86_64"), RhelMachineId + "-0-rescue" },
            ids.Order(BlsFileNameOrder.NewestFirst));
    }
}
