using System.Text;
using KmodPS.Core.Changes;
using KmodPS.Core.Locks;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Locks;

/// <summary>Lock store fixtures (tests/fixtures/locks) and snapshots built from them.</summary>
internal static class LockFixtures
{
    public static string Text(string name) => File.ReadAllText(RepoPaths.Fixture("locks", name));

    public static IReadOnlyList<RpmPackage> AlmaAfterPackages { get; } = new[]
    {
        Rpm("kernel", "5.14.0", "611.41.1.el9_7"), Rpm("kernel-core", "5.14.0", "611.41.1.el9_7"), Rpm("kernel-modules", "5.14.0", "611.41.1.el9_7"),
        Rpm("kernel-modules-core", "5.14.0", "611.41.1.el9_7"), Rpm("kernel-devel", "5.14.0", "611.41.1.el9_7"),
        Rpm("kernel", "5.14.0", "611.49.1.el9_7"), Rpm("kernel-core", "5.14.0", "611.49.1.el9_7"), Rpm("kernel-modules", "5.14.0", "611.49.1.el9_7"),
        Rpm("kernel-modules-core", "5.14.0", "611.49.1.el9_7"), Rpm("kernel-headers", "5.14.0", "611.49.1.el9_7"),
        Rpm("kmod-nvidia-open", "595.58.03", "1.el9_7"), Rpm("kernel-tools-libs", "5.14.0", "611.41.1.el9_7"), Rpm("bash", "5.1.8", "9.el9"),
    };

    public static RpmPackage Rpm(string name, string version, string release, string arch = "x86_64") => new(name, "0", version, release, arch);

    /// <summary>An AlmaLinux root at /w with an empty versionlock.list, dnf 4 and the plugin installed.</summary>
    public static LockSnapshot Alma(string? list = "", string root = "/w") => new()
    {
        Root = new DirectorySystemRoot(root),
        Backend = LockBackends.Dnf4,
        Program = "dnf",
        VersionlockPluginInstalled = true,
        ReleaseVersion = "9",
        RpmPackages = AlmaAfterPackages,
        Stores = new LockStoreContents { VersionlockListText = list },
        TemporaryDirectory = "/tmp/kmodps-test",
    };

    public static LockSnapshot Debian(string statusFixture = "dpkg-status-debian", string root = "/d") => new()
    {
        Root = new DirectorySystemRoot(root),
        Backend = LockBackends.Apt,
        Program = "apt-mark",
        Stores = new LockStoreContents { DpkgPackages = DpkgStatusFile.Parse(Text(statusFixture)) },
        TemporaryDirectory = "/tmp/kmodps-test",
    };

    /// <summary>The journal of a lock plan: its expectations and the records it drops or moves.</summary>
    public static LockJournal Journal(ChangePlan plan) => Assert.IsType<LockJournal>(plan.Journal);

    /// <summary>What the plan's edits of <paramref name="treePath"/> make of <paramref name="text"/>, in order (null: deleted).</summary>
    public static string? Preview(ChangePlan plan, string treePath, string? text)
    {
        var bytes = text is null ? null : Encoding.UTF8.GetBytes(text);
        foreach (var edit in plan.Steps.OfType<FileChange>().Where(f => f.TreePath == treePath))
        {
            bytes = edit.Preview(bytes);
        }
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The command steps of a plan.</summary>
    public static IReadOnlyList<CommandChange> Commands(ChangePlan plan) => plan.Steps.OfType<CommandChange>().ToList();
}
