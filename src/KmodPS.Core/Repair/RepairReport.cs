using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Models;

namespace KmodPS.Core.Repair;

/// <summary>One pair's part of what Repair-KernelModule writes: its row, and the error to write first (or null).</summary>
public sealed record RepairReportEntry(RepairResult Result, Failure? Error);

/// <summary>
/// Pure: what Repair-KernelModule writes for a root once its confirmed actions have run. Each pair is reported once.
/// Under -WhatIf (<c>preview</c>) a pair with an action is reported by its What if line and gets no row; every other
/// pair gets one row, and no error: Blocked is the answer to a preview, not a failure. Otherwise every pair gets one
/// row, and a Blocked or Failed one also one error whose target is that row; pairs that share a failure (one package
/// or DKMS build that provides several modules on a kernel) share one error, written with the first of them.
/// </summary>
internal static class RepairReport
{
    /// <param name="executions">What ran, by action key; an action without one was previewed or not confirmed.</param>
    public static IReadOnlyList<RepairReportEntry> Build(
        RepairPlan plan, IReadOnlyDictionary<string, RepairExecution> executions, bool preview, IReadOnlyList<ModuleStatus> rowsAfter, IReadOnlyList<DkmsEntry> dkmsAfter, string root)
    {
        var entries = new List<RepairReportEntry>();
        var reported = new HashSet<(string, string)>();
        foreach (var decision in plan.Decisions)
        {
            if (preview && decision.Action is not null)
            {
                continue;
            }
            var execution = decision.Action is { } action ? executions.GetValueOrDefault(action.Key) : null;
            var (result, failure) = RepairResultFactory.Create(decision, execution, rowsAfter, dkmsAfter, root);
            var error = failure is not null && !preview && reported.Add((failure.ErrorId, failure.Message)) ? failure : null;
            entries.Add(new RepairReportEntry(result, error));
        }
        return entries;
    }
}
