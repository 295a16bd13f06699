using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using static KmodPS.Tests.Locks.LockFixtures;

namespace KmodPS.Tests.Locks;

/// <summary>
/// A duplicate of a KmodPS entry or a foreign entry in a lock store never makes Unlock fail: every copy of what
/// KmodPS recorded goes, everything else stays byte for byte, and the read-back expectations hold on the result.
/// </summary>
public sealed class DuplicateAndForeignLockTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-duplicates-");

    public void Dispose() => _temp.Delete(recursive: true);

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
        var text = Original + Added + Foreign + $"{Core}\n  {Kernel}\n";
        var snapshot = LockFixtures.Alma(text) with
        {
            Records = new[] { DnfRecord(Kernel), DnfRecord(Core) },
        };
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var edit = Assert.IsType<FileChange>(Assert.Single(plan.Steps));
        Assert.Equal(Original + Foreign, Preview(plan, edit.TreePath, text));
        Assert.Equal(2, Journal(plan).Expectations.Count);
        AssertMet(plan, Dnf4Locks.Entries(Preview(plan, edit.TreePath, text)!, VersionlockListFile.DefaultPath));
        Assert.Equal(2, Journal(plan).RecordsToRemove.Count);

        var all = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: true);
        var allEdit = Assert.IsType<FileChange>(Assert.Single(all.Steps));
        Assert.Equal(Original + "\n# mine\n", Preview(all, allEdit.TreePath, text));
        AssertMet(all, Dnf4Locks.Entries(Preview(all, allEdit.TreePath, text)!, VersionlockListFile.DefaultPath));
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
            Backend = LockBackends.Dnf5, Program = "dnf5",
            Stores = new LockStoreContents { VersionlockTomlText = text },
            Records = new[] { record },
        };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == record.Key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        // The tool would delete every kernel-core entry, the foreign one too: the file is edited instead.
        var edit = Assert.IsType<FileChange>(Assert.Single(plan.Steps));
        Assert.Equal("version = \"1.0\"\n" + foreign, Preview(plan, edit.TreePath, text));
        AssertMet(plan, Dnf5Locks.Entries(Preview(plan, edit.TreePath, text)!, VersionlockTomlFile.DefaultPath));

        var onlyCopies = snapshot with { Stores = new LockStoreContents { VersionlockTomlText = "version = \"1.0\"\n" + pin + pin } };
        var delete = Assert.IsType<CommandChange>(Assert.Single(LockPlanner.Unlock(onlyCopies, Array.Empty<string>(), all: false).Steps));
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
        var edit = Assert.IsType<FileChange>(Assert.Single(plan.Steps));
        Assert.Equal(Foreign + "\n# a note\n", Preview(plan, edit.TreePath, text));
        AssertMet(plan, AptLocks.PreferenceEntries(Preview(plan, edit.TreePath, text)!, Path));
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
            Root = new DirectorySystemRoot("/s"), Backend = LockBackends.Zypper, Program = "zypper",
            Stores = new LockStoreContents { ZyppLocksText = text },
            Records = new[] { record },
        };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == record.Key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        var command = Assert.IsType<CommandChange>(Assert.Single(plan.Steps));
        Assert.Equal(new[] { "removelock", record.Key }, command.Request.Arguments.TakeLast(2));
        var expectation = Assert.Single(Journal(plan).Expectations);
        Assert.True(expectation.IsMet(ZypperLocks.Entries("# zypper locks\n\n" + Foreign, ZyppLocksFile.DefaultPath).ToList()));
        Assert.False(expectation.IsMet(ZypperLocks.Entries(text, ZyppLocksFile.DefaultPath).ToList()));
    }

    [Fact]
    public void Dnf5UnlockOfDuplicatesRunsThroughTheExecutorAndKeepsTheForeignEntryByteForByte()
    {
        var pin = Toml("kernel-core", "=", "6.11.4-301.fc41", "Added by 'versionlock add' command on 2026-11-23 19:13:53");
        var kept = "version = \"1.0\"\n\n# the admin's own" + Toml("kernel-core", "!=", "6.11.5-300.fc41", "mine") + Toml("bash", "=", "5.2.26-3.fc41", "mine");
        var root = Root(VersionlockTomlFile.DefaultPath, kept + pin + pin);
        var record = new LockRecord(LockStore.DnfVersionlockToml, VersionlockTomlFile.DefaultPath, "kernel-core|evr = 6.11.4-301.fc41", "kernel-core", "6.11.4-301.fc41",
            KernelLockKind.Pin, "6.11.4-301.fc41.x86_64", DateTimeOffset.UnixEpoch);
        var (plan, outcome) = Unlock(root, LockBackends.Dnf5, "dnf5", record);
        Assert.True(outcome.Applied, outcome.Failure?.Message);
        Assert.Equal(kept, File.ReadAllText(root.MapPath(VersionlockTomlFile.DefaultPath)));
        Assert.Equal(2, Journal(plan).Removed.Count);
        Assert.Empty(new LockStateFile(root).Read(new DiagnosticLog()));
    }

    [Fact]
    public void AptUnlockOfDuplicatedExcludesRunsThroughTheExecutorAndKeepsForeignStanzasByteForByte()
    {
        const string Path = "/etc/apt/preferences.d/mine.pref";
        const string Foreign = "Explanation: keep nodejs from nodesource\nPackage: nodejs\nPin: origin deb.nodesource.com\nPin-Priority: 600\n";
        var stanza = AptPreferencesFile.ExcludeStanza("6.1.0-57-amd64");
        var root = Root(Path, AptPreferencesFile.Append(AptPreferencesFile.Append(AptPreferencesFile.Append(Foreign, stanza), "# a note\n"), stanza));
        var record = new LockRecord(LockStore.AptPreferences, Path, "linux-*-6.1.0-57-amd64*|linux-*-6.1.0-57-amd64*", "linux-*-6.1.0-57-amd64*", "version *",
            KernelLockKind.Exclude, "6.1.0-57-amd64", DateTimeOffset.UnixEpoch);
        var (plan, outcome) = Unlock(root, LockBackends.Apt, "apt-mark", record);
        Assert.True(outcome.Applied, outcome.Failure?.Message);
        Assert.Equal(Foreign + "\n# a note\n", File.ReadAllText(root.MapPath(Path)));
        Assert.Equal(2, Journal(plan).Removed.Count);
        Assert.Empty(new LockStateFile(root).Read(new DiagnosticLog()));
        Assert.True(File.Exists(root.MapPath("/var/lib/kmodps/backup/etc_apt_preferences.d_mine.pref.bak")));
        Assert.Empty(Directory.GetFiles(root.MapPath("/etc/apt/preferences.d"), "*.bak"));
    }

    // A root holding one store file and KmodPS's record of one of its entries; Unlock-Kernel (no -All) run on it for real.
    private DirectorySystemRoot Root(string treePath, string text)
    {
        var root = new DirectorySystemRoot(Path.Combine(_temp.FullName, Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(Path.GetDirectoryName(root.MapPath(treePath))!);
        File.WriteAllText(root.MapPath(treePath), text);
        return root;
    }

    private static (ChangePlan Plan, ChangeOutcome Outcome) Unlock(DirectorySystemRoot root, ILockBackend backend, string program, LockRecord record)
    {
        new LockStateFile(root).Write(new[] { record });
        var log = new DiagnosticLog();
        var stores = new LockStoreReader(root).Read(log);
        var snapshot = new LockSnapshot { Root = root, Backend = backend, Program = program, Stores = stores, Records = new LockStateFile(root).Read(log, stores.Entries) };
        Assert.Equal(2, snapshot.Entries.Count(e => e.Key == record.Key));
        var plan = LockPlanner.Unlock(snapshot, Array.Empty<string>(), all: false);
        return (plan, new ChangeExecutor(root, new NoCommands()).Execute(plan));
    }

    private sealed class NoCommands : ICommandRunner
    {
        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no command should run: " + request.DisplayText);

        public string? FindProgram(string name) => null;
    }

    private static void AssertMet(ChangePlan plan, IEnumerable<LockEntry> after)
    {
        var entries = after.ToList();
        Assert.All(Journal(plan).Expectations, e => Assert.True(e.IsMet(entries), e.Description));
    }

    private static LockRecord DnfRecord(string key) =>
        new(LockStore.DnfVersionlockList, VersionlockListFile.DefaultPath, key, key.Split("-0:")[0], null, KernelLockKind.Pin, Release + ".x86_64", DateTimeOffset.UnixEpoch);

    private static string Toml(string name, string comparator, string value, string comment) =>
        $"\n[[packages]]\nname = \"{name}\"\ncomment = \"{comment}\"\n\n[[packages.conditions]]\nkey = \"evr\"\ncomparator = \"{comparator}\"\nvalue = \"{value}\"\n";
}
