using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;

namespace KmodPS.Core.Readiness;

/// <summary>Test-KernelUpdate's verdicts plus whether a query failed (then the answer is "not ready": fail closed).</summary>
public sealed record UpdateReadinessResult(IReadOnlyList<KernelUpdateCheck> Checks, string? ReferenceKernel, DiagnosticLog Log, bool QueryFailed, ModuleStatusSnapshot Snapshot)
{
    public bool Ready => !QueryFailed && Checks.All(c => c.Ready);
}
