using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;

namespace KmodPS.Core.Locks;

/// <summary>What running a plan did: the failure (if any), the locks added and removed (read back from the stores).</summary>
public sealed class LockOutcome
{
    public LockOutcome(Failure? failure, IReadOnlyList<KernelLock> added, IReadOnlyList<KernelLock> removed, IReadOnlyList<string> warnings)
    {
        Failure = failure;
        Added = added;
        Removed = removed;
        Warnings = warnings;
    }

    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

    public IReadOnlyList<KernelLock> Added { get; }

    public IReadOnlyList<KernelLock> Removed { get; }

    public IReadOnlyList<string> Warnings { get; }
}
