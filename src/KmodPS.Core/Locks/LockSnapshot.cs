using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// Everything the lock planner needs about a root, as plain data: family and backend, the host program to run,
/// installed packages, the lock stores' content, KmodPS's records, dnf settings and the running kernel.
/// </summary>
public sealed record LockSnapshot
{
    /// <summary>The directory that is <c>/</c> for the root.</summary>
    public string RootPath { get; init; } = "/";

    public bool IsHostRoot => RootPath == "/";

    public HostFamily Family { get; init; }

    public LockBackend Backend { get; init; }

    /// <summary>The host program that changes the store (<c>dnf</c>, <c>dnf5</c>, <c>apt-mark</c>, <c>zypper</c>); null when not installed.</summary>
    public string? Program { get; init; }

    /// <summary>For dnf 4: whether the host has the versionlock plugin; null when unknown.</summary>
    public bool? VersionlockPluginInstalled { get; init; }

    /// <summary>The root's rpm database directory (<c>/var/lib/rpm</c> or <c>/usr/lib/sysimage/rpm</c>).</summary>
    public string RpmDatabasePath { get; init; } = "/var/lib/rpm";

    /// <summary>The release version dnf needs for an alternate root (major <c>VERSION_ID</c>), or null.</summary>
    public string? ReleaseVersion { get; init; }

    /// <summary>Installed RPM packages (RHEL and SUSE families); null when not read.</summary>
    public IReadOnlyList<RpmPackage>? RpmPackages { get; init; }

    public LockStoreContents Stores { get; init; } = LockStoreContents.Empty;

    public IReadOnlyList<LockRecord> Records { get; init; } = Array.Empty<LockRecord>();

    public DnfSettings Dnf { get; init; } = DnfSettings.None;

    /// <summary>The running kernel's release, when the root is the running host.</summary>
    public string? RunningKernel { get; init; }

    /// <summary>A directory on this machine for temporary files of commands (dnf plugin configuration); chosen at planning so -WhatIf shows it.</summary>
    public string TemporaryDirectory { get; init; } = TemporaryDirectories.NewPath();

    /// <summary>The kernel-related locks of every store.</summary>
    public IReadOnlyList<LockEntry> Entries => LockEntries.From(Stores);

    /// <summary>
    /// The versionlock.list path handed to dnf (<c>locklist=</c>): resolved inside the root with no link left in it
    /// (<see cref="KmodPS.Core.Platform.RootJail.ToolPath"/>), so dnf cannot follow one out; null for the plain mapped path.
    /// </summary>
    public string? VersionlockListToolPath { get; init; }

    /// <summary>Maps a path inside the root to this machine's path.</summary>
    public string MapPath(string treePath) => IsHostRoot ? treePath : RootPath.TrimEnd('/') + treePath;
}
