using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;

namespace KmodPS.Core.Repair;

/// <summary>
/// What the planner decided for one pair: an <see cref="Action"/> to run, or an outcome known without running
/// anything (<see cref="PlannedOutcome"/> with <see cref="Message"/>; Blocked ones carry a typed <see cref="Failure"/>).
/// </summary>
public sealed record RepairDecision(
    RepairPair Pair,
    ModuleProvider Provider,
    string? ModuleVersion,
    string? Package,
    RepairAction? Action,
    RepairOutcome? PlannedOutcome,
    string Message,
    Failure? Failure = null);
