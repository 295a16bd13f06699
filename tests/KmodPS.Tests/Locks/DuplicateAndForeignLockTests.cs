using KmodPS.Core.Locks;
using KmodPS.Core.Models;

namespace KmodPS.Tests.Locks;

/// <summary>
/// A duplicate of a KmodPS entry or a foreign entry in a lock store never makes Unlock fail: every copy of what
/// KmodPS recorded goes, everything else stays byte for byte, and the read-back expectations hold on the result.
/// </summary>
public sealed class DuplicateAndForeignLockTests
{
    private const string Release = "5.14.0-611.41.1.el9_7";
    private const string Core = $"kernel-core-0:{Release}.*";
    private const string Kernel = $"kernel-0:{Release}.*";
    private const string Original = "# pinned by the admin\nbash-0:5.1.8-9.el9.*\n";
    private const string Added = $"\n# Added lock on Mon Nov 23 19:13:53 2026\n{Kernel}\n\n# Added lock on Mon Nov 23 19:13:53 2026\n{Core}\n";

    [Theory]
    [InlineData($"{Core}\n")]
    [InlineData($"  {Core} \t\n")]
    [InlineData($"{Core}\n{Core}\n{Kernel}")]
    public void EveryCopyOfALineGoesAndTheAppendedBlocksGiveBackThePreviousBytes(string copies)
    {
        Assert.Equal(Original, VersionlockListFile.Remove(Original + Added + copies, new[] { Kernel, Core }));
        Assert.Equal(Original, VersionlockListFile.Remove(Original + copies + Added, new[] { Core, Kernel }));
    }

    [Fact]
    public void ACopyRightUnderTheCommentTakesTheCommentWithTheLastCopy()
    {
        var text = Original + $"\n# Added lock on Mon Nov 23 19:13:53 2026\n{Core}\n{Core}\n";
        Assert.Equal(Original, VersionlockListFile.Remove(text, new[] { Core }));
    }

    [Fact]
    public void ForeignLinesStayByteForByteEvenAnExcludeOfTheSameNevra()
    {
        const string Foreign = $"\n# mine\n!{Core}\n# {Core}\nkernel-core-0:{Release}.x86_64\n{Core}-extra\n";
        Assert.Equal(Original + Foreign, VersionlockListFile.Remove(Original + Added + Foreign + $"{Core}\n", new[] { Core, Kernel }));
    }

    [Fact]
    public void UnlockOfADuplicatedRecordedLineMeetsItsReadBack()
    {
        const string Foreign = $"\n# mine\n!{Core}\n";
        var snapshot = LockFixtures.Alma(Original + Added + Foreign + $"{Core}\n  {Kernel}\n") with
        {
            Records = new[] { DnfRecord(Kernel), DnfRecord(Core) },
        };
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var edit = (FileEditAction)Assert.Single(plan.Actions);
        Assert.Equal(Original + Foreign, edit.Preview);
        Assert.Equal(2, plan.Expectations.Count);
        AssertMet(plan, LockEntries.FromVersionlockList(edit.Preview!, VersionlockListFile.DefaultPath));
        Assert.Equal(2, plan.RecordsToRemove.Count);

        var all = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: true);
        var allEdit = (FileEditAction)Assert.Single(all.Actions);
        Assert.Equal(Original + "\n# mine\n", allEdit.Preview);
        AssertMet(all, LockEntries.FromVersionlockList(allEdit.Preview!, VersionlockListFile.DefaultPath));
    }

    [Fact]
    public void Dnf5DuplicatedEntriesAllGoAndAForeignExcludeOfTheSameNameStays()
    {
        var pin = Toml("kernel-core", "=", "6.11.4-301.fc41", "Added by 'versionlock add' command on 2026-11-23 19:13:53");
        var foreign = "\n# the admin's own" + Toml("kernel-core", "!=", "6.11.5-300.fc41", "mine");
        var text = "version = \"1.0\"\n" + pin + pin + foreign;
        var record = new LockRecord(LockStore.DnfVersionlockToml, VersionlockTomlFile.DefaultPath, "kernel-core|evr = 6.11.4-301.fc41", "kernel-core", "6.11.4-301.fc41",
            KernelLockKind.Pin, "6.11.4-301.fc41.x86_64", DateTimeOffset.UnixEpoch);
        var snapshot = LockFixtures.Alma() with
        {
            Backend = LockBackend.Dnf5, Program = "dnf5",
            Stores = new LockStoreContents { VersionlockTomlText = text },
            Records = new[] { record },
        };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == record.Key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        // The tool would delete every kernel-core entry, the foreign one too: the file is edited instead.
        var edit = (FileEditAction)Assert.Single(plan.Actions);
        Assert.Equal("version = \"1.0\"\n" + foreign, edit.Preview);
        AssertMet(plan, LockEntries.FromVersionlockToml(edit.Preview!, VersionlockTomlFile.DefaultPath));

        var onlyCopies = snapshot with { Stores = new LockStoreContents { VersionlockTomlText = "version = \"1.0\"\n" + pin + pin } };
        var delete = (CommandAction)Assert.Single(LockPlanner.Unlock(onlyCopies, Array.Empty<string>(), all: false).Actions);
        Assert.Equal(new[] { "versionlock", "delete", "kernel-core" }, delete.Request.Arguments.TakeLast(3));
    }

    [Fact]
    public void AptDuplicatedExcludeStanzasAllGoAndForeignStanzasStay()
    {
        var stanza = AptPreferencesFile.ExcludeStanza("6.1.0-57-amd64");
        const string Foreign = "Explanation: keep nodejs from nodesource\nPackage: nodejs\nPin: origin deb.nodesource.com\nPin-Priority: 600\n";
        const string Path = "/etc/apt/preferences.d/mine.pref";
        var text = AptPreferencesFile.Append(AptPreferencesFile.Append(AptPreferencesFile.Append(Foreign, stanza), "# a note\n"), stanza);
        var key = $"linux-*-6.1.0-57-amd64*|linux-*-6.1.0-57-amd64*";
        var snapshot = LockFixtures.Debian() with
        {
            Stores = LockFixtures.Debian().Stores with { AptPreferences = new[] { new KeyValuePair<string, string>(Path, text) } },
            Records = new[] { new LockRecord(LockStore.AptPreferences, Path, key, "linux-*-6.1.0-57-amd64*", "version *", KernelLockKind.Exclude, "6.1.0-57-amd64", DateTimeOffset.UnixEpoch) },
        };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var edit = (FileEditAction)Assert.Single(plan.Actions);
        Assert.Equal(Foreign + "\n# a note\n", edit.Preview);
        AssertMet(plan, LockEntries.FromAptPreferences(edit.Preview!, Path));
    }

    [Fact]
    public void ZyppDuplicatedLocksAreOneEntryToRemoveAndForeignLocksAreNotNamed()
    {
        const string Lock = "type: package\nmatch_type: glob\ncase_sensitive: on\nsolvable_name: kernel-default\nversion: = 5.14.21-150500.55.39.1\n";
        const string Foreign = "type: package\nmatch_type: glob\ncase_sensitive: on\nsolvable_name: kernel-default\nversion: = 5.14.21-150500.55.44.1\n";
        var text = "# zypper locks\n\n" + Lock + "\n" + Foreign + "\n" + Lock;
        var record = new LockRecord(LockStore.ZyppLocks, ZyppLocksFile.DefaultPath, "kernel-default = 5.14.21-150500.55.39.1", "kernel-default", "5.14.21-150500.55.39.1",
            KernelLockKind.Hold, "5.14.21-150500.55.39-default", DateTimeOffset.UnixEpoch);
        var snapshot = new LockSnapshot
        {
            RootPath = "/s", Family = HostFamily.Suse, Backend = LockBackend.Zypper, Program = "zypper",
            Stores = new LockStoreContents { ZyppLocksText = text },
            Records = new[] { record },
        };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == record.Key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var command = (CommandAction)Assert.Single(plan.Actions);
        Assert.Equal(new[] { "removelock", record.Key }, command.Request.Arguments.TakeLast(2));
        var expectation = Assert.Single(plan.Expectations);
        Assert.True(expectation.IsMet(LockEntries.FromZyppLocks("# zypper locks\n\n" + Foreign, ZyppLocksFile.DefaultPath).ToList()));
        Assert.False(expectation.IsMet(LockEntries.FromZyppLocks(text, ZyppLocksFile.DefaultPath).ToList()));
    }

    private static void AssertMet(LockPlan plan, IEnumerable<LockEntry> after)
    {
        var entries = after.ToList();
        Assert.All(plan.Expectations, e => Assert.True(e.IsMet(entries), e.Description));
    }

    private static LockRecord DnfRecord(string key) =>
        new(LockStore.DnfVersionlockList, VersionlockListFile.DefaultPath, key, key.Split("-0:")[0], null, KernelLockKind.Pin, Release + ".x86_64", DateTimeOffset.UnixEpoch);

    private static string Toml(string name, string comparator, string value, string comment) =>
        $"\n[[packages]]\nname = \"{name}\"\ncomment = \"{comment}\"\n\n[[packages.conditions]]\nkey = \"evr\"\ncomparator = \"{comparator}\"\nvalue = \"{value}\"\n";
}
