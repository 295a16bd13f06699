using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

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
        // The snapshot picks this run's temporary directory; those of KmodPS runs that were killed go first.
        TemporaryDirectories.ReclaimAbandoned();
        var host = new KernelHostReader(_root).Read(log);
        var backend = LockBackendDetector.Detect(_root, host.Family);
        var stores = new LockStoreReader(_root).Read(log);
        IReadOnlyList<RpmPackage>? rpm = null;
        if (readPackages && backend is LockBackend.Dnf4 or LockBackend.Dnf5 or LockBackend.Zypper)
        {
            rpm = new RpmPackageQuery(_root, _runner).ReadPackages(log);
        }
        return new LockSnapshot
        {
            RootPath = _root.RootPath,
            Family = host.Family,
            Backend = backend,
            Program = LockBackendDetector.Program(backend, _runner),
            VersionlockPluginInstalled = backend == LockBackend.Dnf4 ? VersionlockPlugin.IsInstalled() : null,
            RpmDatabasePath = RpmDatabase.Path(_root),
            ReleaseVersion = host.VersionId?.Split('.')[0],
            RpmPackages = rpm,
            Stores = stores,
            Records = new LockStateFile(_root).Read(log, LockEntries.From(stores)),
            Dnf = backend is LockBackend.Dnf4 or LockBackend.Dnf5 ? DnfSettings.Read(_root) : DnfSettings.None,
            RunningKernel = host.RunningKernel,
            VersionlockListToolPath = backend == LockBackend.Dnf4 && !_root.IsHostRoot ? VersionlockListToolPath(stores) : null,
        };
    }

    // A list whose links loop inside the root gets no tool path: the plan shows the mapped path, and the executor
    // refuses (PathOutsideRoot) before dnf runs.
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
