using System.Management.Automation;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>The confirm-then-execute step Lock-Kernel and Unlock-Kernel share.</summary>
internal static class LockChange
{
    /// <summary>Asks ShouldProcess with the exact commands and edits, runs the plan, writes its warnings and failure.</summary>
    /// <returns>The outcome when the change was made; null when declined (-WhatIf, -Confirm) or failed.</returns>
    public static LockOutcome? Apply(PSCmdlet cmdlet, string operation, string cmdletName, LockPlan plan, LockSnapshot snapshot, ISystemRoot root, ICommandRunner runner)
    {
        var description = LockCommandText.Describe(operation, plan, root);
        if (!cmdlet.ShouldProcess(description, description + "\nContinue?", cmdletName))
        {
            return null;
        }
        var outcome = new LockExecutor(root, runner).Execute(plan, snapshot);
        foreach (var warning in outcome.Warnings)
        {
            cmdlet.WriteWarning(warning);
        }
        if (outcome.Failure is { } error)
        {
            cmdlet.WriteError(ErrorRecordFactory.From(error));
            return null;
        }
        return outcome;
    }

    /// <summary>When nothing needs changing: settles what an interrupted Lock-Kernel recorded (never under -WhatIf).</summary>
    public static void SettleInterrupted(PSCmdlet cmdlet, LockSnapshot snapshot, ISystemRoot root, ICommandRunner runner)
    {
        if (!WhatIfMode.IsOn(cmdlet))
        {
            new LockExecutor(root, runner).SettleInterrupted(snapshot);
        }
    }
}
