using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Test-KernelUpdate's verdicts plus whether a query failed (then the answer is "not ready": fail closed). Only the
/// checks that decide (<see cref="KernelUpdateCheck.Decides"/>) and their blocking problems make the answer false.
/// </summary>
public sealed record UpdateReadinessResult(IReadOnlyList<KernelUpdateCheck> Checks, string? ReferenceKernel, DiagnosticLog Log, bool QueryFailed, ModuleStatusSnapshot Snapshot)
{
    public bool Ready => !QueryFailed && Checks.Where(c => c.Decides).All(c => c.Ready);

    /// <summary>How many repository kernels locks or excludes keep out of the update.</summary>
    public int HeldBackKernels => Checks.Count(c => c.HeldBackBy is not null);
}
