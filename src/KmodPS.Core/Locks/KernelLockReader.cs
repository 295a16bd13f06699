using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// Every kernel-related lock of a root (dnf 4/5 versionlock, apt holds and preferences, zypp locks), marked
/// <see cref="KernelLock.IsKmodPS"/> when KmodPS's state file records it. Reads files only.
/// </summary>
public sealed class KernelLockReader
{
    private readonly ISystemRoot _root;

    public KernelLockReader(ISystemRoot root)
    {
        _root = root;
    }

    /// <summary>Reads the locks; warnings and failures go to <paramref name="log"/> (the report carries those of this read too, do not merge it again).</summary>
    public Report<KernelLock> Read(DiagnosticLog log)
    {
        var report = Read();
        foreach (var warning in report.Warnings)
        {
            log.Warn(warning);
        }
        foreach (var failure in report.Failures)
        {
            log.Fail(failure);
        }
        return report;
    }

    /// <summary>Reads the locks with their own diagnostics.</summary>
    public Report<KernelLock> Read()
    {
        var log = new DiagnosticLog();
        var contents = new LockStoreReader(_root).Read(log);
        var entries = LockEntries.From(contents);
        var records = new LockStateFile(_root).Read(log, entries);
        var locks = entries.Select(e => e.ToKernelLock(records.Any(r => r.Matches(e)), _root.RootPath)).ToList();
        return log.ToReport<KernelLock>(locks);
    }

    /// <summary>
    /// True when a Pin or Hold keeps the packages of <paramref name="kernelVersion"/> (<c>uname -r</c> form; a lock
    /// written without architecture matches too). Excludes do not count: they keep a release out, not in.
    /// </summary>
    public static bool IsLocked(IReadOnlyList<KernelLock> locks, string kernelVersion) => locks.Any(l => Keeps(l, kernelVersion));

    /// <summary>True when <paramref name="kernelLock"/> is a Pin or Hold of <paramref name="kernelVersion"/> (see <see cref="IsLocked"/>).</summary>
    public static bool Keeps(KernelLock kernelLock, string kernelVersion) =>
        kernelLock.Kind is KernelLockKind.Pin or KernelLockKind.Hold && KernelRelease.Same(kernelLock.KernelVersion, kernelVersion);
}
