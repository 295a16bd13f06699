using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>
/// The locks that keep a kernel, as <see cref="KernelLockReader"/> reads and judges them (<see cref="KernelLockReader.Keeps"/>),
/// for a removal that must fail closed when a lock store cannot be read.
/// </summary>
public static class KernelLocks
{
    /// <summary>
    /// One description per lock that keeps <paramref name="kernelVersion"/>; null with a <c>LockStateUnknown</c> failure
    /// when the reader could not read a lock store (a lock might exist unseen, so removal fails closed).
    /// </summary>
    public static IReadOnlyList<string>? Find(ISystemRoot root, string kernelVersion, out Failure? failure)
    {
        var report = new KernelLockReader(root).Read();
        var problem = report.Failures.Select(f => f.Message).Concat(report.Warnings).FirstOrDefault();
        if (problem is not null)
        {
            failure = new Failure(ErrorIds.LockStateUnknown, FailureCategory.ReadError,
                $"Whether kernel {kernelVersion} is locked cannot be determined under {root.RootPath}: {problem}", kernelVersion);
            return null;
        }
        failure = null;
        return report.Items.Where(l => KernelLockReader.Keeps(l, kernelVersion))
            .Select(l => $"'{l.Entry}' ({l.Kind} in {l.Source})")
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
