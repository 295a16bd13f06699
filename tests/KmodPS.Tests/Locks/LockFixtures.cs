using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
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
        RootPath = root,
        Family = HostFamily.RedHat,
        Backend = LockBackend.Dnf4,
        Program = "dnf",
        VersionlockPluginInstalled = true,
        ReleaseVersion = "9",
        RpmPackages = AlmaAfterPackages,
        Stores = new LockStoreContents { VersionlockListText = list },
        TemporaryDirectory = "/tmp/kmodps-test",
    };

    public static LockSnapshot Debian(string statusFixture = "dpkg-status-debian", string root = "/d") => new()
    {
        RootPath = root,
        Family = HostFamily.Debian,
        Backend = LockBackend.Apt,
        Program = "apt-mark",
        Stores = new LockStoreContents { DpkgPackages = DpkgStatusFile.Parse(Text(statusFixture)) },
        TemporaryDirectory = "/tmp/kmodps-test",
    };
}
