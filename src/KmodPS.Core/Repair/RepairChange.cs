using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// One <see cref="RepairAction"/> as a change: its commands are the steps, in order, and the change is not reversible
/// (a module built or a package installed stays). The steps keep what ran for the pair's result: the command lines,
/// and for the one that failed its exit code and output and, after a failed dkms build, the make.log found right
/// after it with its last lines, before the next build can overwrite it.
/// </summary>
public sealed class RepairChange
{
    private readonly List<string> _ran = new();
    private readonly Action<CommandRequest>? _starting;
    private RepairExecution? _failed;
    private DateTime _started;

    /// <param name="starting">Called before each command (Repair-KernelModule's progress record).</param>
    public RepairChange(RepairAction action, Action<CommandRequest>? starting = null)
    {
        Action = action;
        _starting = starting;
        Plan = new ChangePlan("Repair", action.Target, action.Provider == ModuleProvider.Dkms ? ErrorIds.DkmsCommandFailed : ErrorIds.PackageInstallFailed)
        {
            Steps = action.Commands.Select((command, index) => (ChangeStep)new ServiceChange("run " + command.DisplayText, context => Run(context, index))).ToList(),
            Reversible = false,
        };
    }

    public RepairAction Action { get; }

    public ChangePlan Plan { get; }

    /// <summary>What the change did, once <see cref="ChangeExecutor"/> has run it.</summary>
    public RepairExecution Execution(ChangeOutcome outcome) =>
        _failed
        ?? (outcome.Failure is { } refused ? RepairExecution.Refused(refused) : new RepairExecution(_ran.ToList(), true, 0, false, null, string.Empty, null, null));

    private Failure? Run(ChangeContext context, int index)
    {
        if (index == 0)
        {
            _started = DateTime.UtcNow;
        }
        var command = Action.Commands[index];
        _starting?.Invoke(command);
        _ran.Add(command.DisplayText);
        CommandResult result;
        try
        {
            result = context.Runner.Run(command, context.CancellationToken);
        }
        catch (CommandNotFoundException e)
        {
            return Failed(new RepairExecution(_ran.ToList(), false, 127, false, index, e.Message, null, null));
        }
        if (result.Succeeded)
        {
            return null;
        }
        var output = (result.StandardOutput + "\n" + result.StandardError).Trim();
        string? makeLog = null;
        if (Action.Provider == ModuleProvider.Dkms && Action.DkmsModule is { } module && Action.ModuleVersion is { } version && BuildRan(result.ExitCode, output))
        {
            makeLog = MakeLogLocator.AfterFailure(context.Root, module, version, Action.KernelVersion, output, _started);
        }
        return Failed(new RepairExecution(_ran.ToList(), false, result.TimedOut ? -1 : result.ExitCode, result.TimedOut, index, output, makeLog, MakeLogLocator.Tail(context.Root, makeLog)));
    }

    // The failure only stops the change; the pair's result and error come from the execution (RepairResultFactory).
    private Failure Failed(RepairExecution execution)
    {
        _failed = execution;
        return new Failure(Plan.FailureId, FailureCategory.InvalidResult, $"{execution.Ran[^1]} failed (exit {execution.ExitCode})", Action.Target);
    }

    // Exit 10 (make failed) and 7 (no module file produced) come from a build; other failures happen before one.
    private static bool BuildRan(int exitCode, string output) =>
        exitCode is DkmsExitCode.BuildFailed or 7 || output.Contains("make.log", StringComparison.Ordinal);
}
