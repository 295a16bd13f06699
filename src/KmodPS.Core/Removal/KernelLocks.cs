using KmodPS.Diagnostics;
using KmodPS.Locks;
using KmodPS.Models;
using KmodPS.Platform;
using KmodPS.Kernels;

namespace KmodPS.Removal;

/// <summary>
/// The locks that keep a kernel, from the shared <see cref="KernelLockReader"/> (dnf4 versionlock.list, dnf5
/// versionlock.toml, apt holds, zypp locks): Pins and Holds whose release is the kernel's. Excludes do not protect
/// a kernel (they keep a release out), so they do not count.
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
        var locks = report.Items;
        return locks.Where(l => l.Kind is KernelLockKind.Pin or KernelLockKind.Hold && KernelRelease.Same(l.KernelVersion, kernelVersion))
            .Select(l => $"'{l.Entry}' ({l.Kind} in {l.Source})")
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
