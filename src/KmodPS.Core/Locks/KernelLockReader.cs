using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// The one reader of a root's kernel locks for every cmdlet (dnf 4/5 versionlock, apt holds and preferences, zypp
/// locks), marked <see cref="KernelLock.IsKmodPS"/> when KmodPS's state file records it, and the one rule for "is
/// this kernel locked". Reads files only.
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
        var entries = new LockStoreReader(_root).Read(log).Entries;
        return log.ToReport(Locks(entries, new LockStateFile(_root).Read(log, entries), _root.RootPath));
    }

    /// <summary>The locks of a snapshot, as <see cref="Read()"/> gives them.</summary>
    public static IReadOnlyList<KernelLock> Locks(LockSnapshot snapshot) => Locks(snapshot.Entries, snapshot.Records, snapshot.RootPath);

    private static IReadOnlyList<KernelLock> Locks(IReadOnlyList<LockEntry> entries, IReadOnlyList<LockRecord> records, string root) =>
        entries.Select(e => e.ToKernelLock(records.Any(r => r.Matches(e)), root)).ToList();

    /// <summary>
    /// One description per lock that keeps <paramref name="kernelVersion"/> (<see cref="Keeps"/>), for a change that
    /// must fail closed: when a lock store cannot be read, a lock might exist unseen, and the report holds one
    /// <c>LockStateUnknown</c> failure and no locks.
    /// </summary>
    public Report<string> LocksKeeping(string kernelVersion)
    {
        var report = Read();
        if (report.Failures.Select(f => f.Message).Concat(report.Warnings).FirstOrDefault() is { } problem)
        {
            return new Report<string>(Array.Empty<string>(), Array.Empty<string>(), new[]
            {
                new Failure(ErrorIds.LockStateUnknown, FailureCategory.ReadError,
                    $"Whether kernel {kernelVersion} is locked cannot be determined under {_root.RootPath}: {problem}", kernelVersion),
            });
        }
        var locks = report.Items.Where(l => Keeps(l, kernelVersion)).Select(l => $"'{l.Entry}' ({l.Kind} in {l.Source})").Distinct(StringComparer.Ordinal).ToList();
        return new Report<string>(locks, Array.Empty<string>(), Array.Empty<Failure>());
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
