namespace KmodPS.Core.Repair;

/// <summary>The decisions for every selected pair and the distinct actions to run, in order (oldest kernel first).</summary>
public sealed record RepairPlan(IReadOnlyList<RepairDecision> Decisions, IReadOnlyList<RepairAction> Actions);
