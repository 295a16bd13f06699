using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Locks;

/// <summary>What Lock-Kernel or Unlock-Kernel will do, as data: actions, how to verify them, warnings and refusals.</summary>
public sealed class LockPlan
{
    public LockPlan(LockOperation operation, IReadOnlyList<string> kernels)
    {
        Operation = operation;
        Kernels = kernels;
    }

    public LockOperation Operation { get; }

    /// <summary>The kernel releases the user named (empty for Unlock-Kernel without -KernelVersion).</summary>
    public IReadOnlyList<string> Kernels { get; }

    public List<LockAction> Actions { get; } = new();

    /// <summary>Store files restored to their previous content if any action fails (file-backed stores).</summary>
    public List<string> RollbackFiles { get; } = new();

    /// <summary>Commands that undo command actions if a later step fails (apt-mark unhold, zypper removelock).</summary>
    public List<CommandAction> RollbackCommands { get; } = new();

    public List<LockExpectation> Expectations { get; } = new();

    /// <summary>KmodPS records to drop (their locks are gone or are being removed).</summary>
    public List<LockRecord> RecordsToRemove { get; } = new();

    /// <summary>KmodPS records kept but moved to another kernel (a metapackage hold still needed by another pin).</summary>
    public List<KeyValuePair<LockRecord, string>> RecordsToReassign { get; } = new();

    public List<string> Warnings { get; } = new();

    /// <summary>Explanations for the verbose stream (for example "already locked").</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Refusals: when not empty, nothing runs.</summary>
    public List<Failure> Failures { get; } = new();

    public bool HasChanges => Actions.Count > 0 || RecordsToRemove.Count > 0 || RecordsToReassign.Count > 0;

    /// <summary>The temporary files the commands need (written before each command, deleted after).</summary>
    public IReadOnlyList<TemporaryFile> TemporaryFiles =>
        Actions.OfType<CommandAction>().SelectMany(a => a.TemporaryFiles).DistinctBy(f => f.Path).ToList();

    /// <summary>Every temporary file, command and edit, one per line, as -WhatIf and -Confirm show them.</summary>
    public IReadOnlyList<string> Describe() =>
        TemporaryFiles.Select(f => $"write {f.Path}: {f.Content.TrimEnd().Replace("\n", "; ")}")
            .Concat(Actions.Select(a => a.Description))
            .ToList();
}
