using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Repair;

/// <summary>
/// What running one <see cref="RepairAction"/> did: the command lines that ran, and for a failure the failing
/// command (<see cref="FailedIndex"/> into the action's commands), its exit code and output, and (DKMS) the
/// make.log found right after it with its last lines.
/// </summary>
public sealed record RepairExecution(
    IReadOnlyList<string> Ran,
    bool Succeeded,
    int ExitCode,
    bool TimedOut,
    int? FailedIndex,
    string Output,
    string? MakeLogPath,
    string? MakeLogTail)
{
    /// <summary>Why nothing ran (another KmodPS change held the root); null when the action ran.</summary>
    public Failure? Refusal { get; init; }

    public static RepairExecution Refused(Failure refusal) =>
        new(Array.Empty<string>(), false, -1, false, null, refusal.Message, null, null) { Refusal = refusal };
}
