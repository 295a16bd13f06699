using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// Everything the lock planner needs about a root, as plain data: its backend and the host program to run,
/// installed packages, the lock stores' content, KmodPS's records, dnf settings and the running kernel.
/// </summary>
public sealed record LockSnapshot
{
    public ISystemRoot Root { get; init; } = DirectorySystemRoot.Host;

    /// <summary>The directory that is <c>/</c> for the root.</summary>
    public string RootPath => Root.RootPath;

    public bool IsHostRoot => Root.IsHostRoot;

    /// <summary>The root's package manager; null when it has none KmodPS supports.</summary>
    internal ILockBackend? Backend { get; init; }

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

    /// <summary>KmodPS's records, with the locks an interrupted change's intent claims.</summary>
    public IReadOnlyList<LockRecord> Records { get; init; } = Array.Empty<LockRecord>();

    /// <summary>True when locks.json holds the intent of a change that was never confirmed (a killed Lock-Kernel).</summary>
    public bool IntentRecorded { get; init; }

    internal DnfConfiguration Dnf { get; init; } = DnfConfiguration.None;

    /// <summary>The running kernel's release, when the root is the running host.</summary>
    public string? RunningKernel { get; init; }

    /// <summary>A directory on this machine for temporary files of commands (dnf plugin configuration); chosen at planning so -WhatIf shows it.</summary>
    public string TemporaryDirectory { get; init; } = TemporaryDirectories.NewPath();

    /// <summary>The kernel-related locks of every store.</summary>
    public IReadOnlyList<LockEntry> Entries => Stores.Entries;

    /// <summary>
    /// The versionlock.list path handed to dnf (<c>locklist=</c>): resolved inside the root with no link left in it
    /// (<see cref="RootJail.ToolPath"/>), so dnf cannot follow one out; null for the plain mapped path.
    /// </summary>
    public string? VersionlockListToolPath { get; init; }

    /// <summary>
    /// The installed rpm packages of one release; null when there is none (refused as KernelNotFound), or when the
    /// rpm database was not read (its failure is the answer).
    /// </summary>
    internal IReadOnlyList<RpmPackage>? InstalledRpmPackages(string kernelVersion, LockPlanBuilder plan)
    {
        if (RpmPackages is null)
        {
            return null;
        }
        var packages = RpmKernelPackages.OfRelease(RpmPackages, kernelVersion);
        if (packages.Count == 0)
        {
            plan.Refuse(LockFailures.KernelNotFound(kernelVersion, RootPath, "rpm"));
            return null;
        }
        return packages;
    }

    /// <summary>Maps a path inside the root to this machine's path.</summary>
    public string MapPath(string treePath) => Root.MapPath(treePath);

    /// <summary>Known ways the root's locks silently do not do what they say (warnings).</summary>
    /// <param name="locking">True while adding a pin: dnf 5's installonly trap then matters even without existing pins, and
    /// the Debian metapackage trap does not (the pin holds the metapackages).</param>
    public IEnumerable<string> Traps(bool locking) => Backend?.Traps(this, locking) ?? Array.Empty<string>();
}

/// <summary>
/// The raw content of a root's lock stores as read (a null text means the file does not exist): the input of the
/// backends' pure parsers and of the planner's file edits.
/// </summary>
public sealed record LockStoreContents
{
    /// <summary>The dnf 4 lock list inside the root (versionlock.conf <c>locklist</c>, default <c>/etc/dnf/plugins/versionlock.list</c>).</summary>
    public string VersionlockListPath { get; init; } = VersionlockListFile.DefaultPath;

    public string? VersionlockListText { get; init; }

    public string VersionlockTomlPath { get; init; } = VersionlockTomlFile.DefaultPath;

    public string? VersionlockTomlText { get; init; }

    /// <summary>dpkg's status file, parsed; null when the root has no dpkg database.</summary>
    public IReadOnlyList<DpkgPackage>? DpkgPackages { get; init; }

    /// <summary>apt preferences files (path inside the root, text).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AptPreferences { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public string ZyppLocksPath { get; init; } = ZyppLocksFile.DefaultPath;

    public string? ZyppLocksText { get; init; }

    /// <summary>Stores that exist but could not be parsed (binary data): their locks are unknown, and no change writes into them.</summary>
    public IReadOnlyList<string> Unparsed { get; init; } = Array.Empty<string>();

    public static LockStoreContents Empty { get; } = new();

    /// <summary>The kernel-related locks of every store, whichever package manager the root uses.</summary>
    public IReadOnlyList<LockEntry> Entries => LockBackends.All.SelectMany(b => b.Entries(this)).ToList();
}

/// <summary>
/// One kernel-related lock as found in a store, with the <see cref="Key"/> that identifies it in that store
/// (what the KmodPS state file records).
/// </summary>
public sealed record LockEntry(LockStore Store, string Source, string Key, string Package, string? Version, string? KernelVersion, KernelLockKind Kind, string Entry)
{
    public KernelLock ToKernelLock(bool isKmodPS, string root) => new(Package, Version, KernelVersion, Kind, Source, Entry, isKmodPS, root);
}

/// <summary>Reads the lock stores of a root directly from their files (no process), every backend's.</summary>
internal sealed class LockStoreReader
{
    private readonly ISystemRoot _root;

    public LockStoreReader(ISystemRoot root)
    {
        _root = root;
    }

    private readonly List<string> _unparsed = new();

    public LockStoreContents Read(DiagnosticLog log) =>
        LockBackends.All.Aggregate(LockStoreContents.Empty, (contents, backend) => backend.Read(this, log, contents)) with { Unparsed = _unparsed.ToList() };

    internal IEnumerable<string> ListDirectory(string treePath) => _root.ListDirectory(treePath);

    /// <summary>The file's text, or null when it does not exist, cannot be read or is not text (a warning each).</summary>
    internal string? ReadIfExists(string path, DiagnosticLog log)
    {
        if (!_root.FileExists(path))
        {
            return null;
        }
        try
        {
            var text = _root.ReadAllText(path);
            var binary = text.IndexOfAny(new[] { '\0', '\uFFFD' });
            if (binary < 0)
            {
                return text;
            }
            log.Warn($"{_root.MapPath(path)} cannot be parsed: it is not a text file (binary data at character {binary}), so its locks are unknown. KmodPS does not change locks until it is fixed.");
            _unparsed.Add(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {_root.MapPath(path)}: {e.Message}");
            return null;
        }
    }
}

/// <summary>
/// Reads a <see cref="LockSnapshot"/>: files of the root directly, plus one <c>rpm -qa</c> on RPM-based roots
/// (read-only: it changes no byte under the root, so -WhatIf may run it).
/// </summary>
public sealed class LockSnapshotReader
{
    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public LockSnapshotReader(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    /// <param name="readPackages">Query the package database (needed to pin; not to unlock).</param>
    public LockSnapshot Read(DiagnosticLog log, bool readPackages)
    {
        var host = new KernelHostReader(_root).Read(log);
        var backend = LockBackends.Detect(_root, host.Family);
        var stores = new LockStoreReader(_root).Read(log);
        var state = new LockStateFile(_root);
        var rpm = readPackages && backend is DnfLocks or ZypperLocks ? new RpmPackageQuery(_root, _runner).ReadPackages(log) : null;
        return new LockSnapshot
        {
            Root = _root,
            Backend = backend,
            Program = backend?.FindProgram(_runner),
            VersionlockPluginInstalled = backend is Dnf4Locks ? VersionlockPlugin.IsInstalled() : null,
            RpmDatabasePath = RpmDatabase.Path(_root),
            ReleaseVersion = host.VersionId?.Split('.')[0],
            RpmPackages = rpm,
            Stores = stores,
            Records = state.Read(log, stores.Entries),
            IntentRecorded = state.HasIntent(),
            Dnf = backend is DnfLocks ? DnfConfiguration.Read(_root, log) : DnfConfiguration.None,
            RunningKernel = host.RunningKernel,
            VersionlockListToolPath = backend is Dnf4Locks && !_root.IsHostRoot ? VersionlockListToolPath(stores) : null,
        };
    }

    // A list whose links loop inside the root gets no tool path: the plan shows the mapped path, and the step refuses
    // (PathOutsideRoot) before dnf runs.
    private string? VersionlockListToolPath(LockStoreContents stores)
    {
        try
        {
            return RootJail.For(_root).ToolPath(stores.VersionlockListPath);
        }
        catch (PathOutsideRootException)
        {
            return null;
        }
    }
}
