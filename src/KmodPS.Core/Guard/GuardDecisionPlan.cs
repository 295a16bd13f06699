using KmodPS.Core.Models;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Guard;

/// <summary>What the guard decided for a kernel before acting: the action, the kernel to make the default (if any) and the sentence for the log.</summary>
/// <param name="Target">The kernel to make the boot default; null when nothing changes.</param>
/// <param name="Health">The checked kernel's health.</param>
public sealed record GuardDecisionPlan(GuardAction Action, string? Target, string? DefaultBefore, string? LastHealthyKernel, KernelHealth Health, string Summary);
