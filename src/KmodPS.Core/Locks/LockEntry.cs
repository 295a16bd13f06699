using KmodPS.Core.Models;

namespace KmodPS.Core.Locks;

/// <summary>
/// One kernel-related lock as found in a store, with the <see cref="Key"/> that identifies it in that store
/// (what the KmodPS state file records).
/// </summary>
public sealed record LockEntry(LockStore Store, string Source, string Key, string Package, string? Version, string? KernelVersion, KernelLockKind Kind, string Entry)
{
    public KernelLock ToKernelLock(bool isKmodPS, string root) => new(Package, Version, KernelVersion, Kind, Source, Entry, isKmodPS, root);
}
