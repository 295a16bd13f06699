using KmodPS.Core.Models;

namespace KmodPS.Core.Locks;

/// <summary>
/// A lock KmodPS added, as recorded in its state file: the store, the entry's <see cref="LockEntry.Key"/> there,
/// and the kernel release the user asked for (a Debian metapackage hold belongs to the pin that added it).
/// </summary>
public sealed record LockRecord(LockStore Store, string Source, string Key, string Package, string? Version, KernelLockKind Kind, string KernelVersion, DateTimeOffset Added)
{
    public bool Matches(LockEntry entry) => entry.Store == Store && entry.Key == Key;
}
