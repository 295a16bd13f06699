using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// Runs one action's commands in order through an <see cref="ICommandRunner"/> and stops at the first failure;
/// after a failed dkms command it locates make.log and keeps its last lines before anything else can overwrite it.
/// Cancellation (<see cref="OperationCanceledException"/>) propagates.
/// </summary>
public static class RepairExecutor
{
    /// <param name="starting">Called before each command (the cmdlet updates its progress record).</param>
    /// <remarks>Holds the root's change lock while the commands run; when another change holds it, nothing runs.</remarks>
    public static RepairExecution Run(RepairAction action, ICommandRunner runner, ISystemRoot root, Action<CommandRequest>? starting = null, CancellationToken cancellationToken = default) =>
        RootChangeLock.Around(root, () => RunHeld(action, runner, root, starting, cancellationToken), RepairExecution.Refused, cancellationToken: cancellationToken);

    private static RepairExecution RunHeld(RepairAction action, ICommandRunner runner, ISystemRoot root, Action<CommandRequest>? starting, CancellationToken cancellationToken)
    {
        var ran = new List<string>();
        var started = DateTime.UtcNow;
        for (var index = 0; index < action.Commands.Count; index++)
        {
            var command = action.Commands[index];
            starting?.Invoke(command);
            ran.Add(command.DisplayText);
            CommandResult result;
            try
            {
                result = runner.Run(command, cancellationToken);
            }
            catch (CommandNotFoundException e)
            {
                return new RepairExecution(ran, false, 127, false, index, e.Message, null, null);
            }
            if (result.Succeeded)
            {
                continue;
            }
            var output = (result.StandardOutput + "\n" + result.StandardError).Trim();
            string? makeLog = null;
            if (action.Provider == ModuleProvider.Dkms && action.DkmsModule is { } module && action.ModuleVersion is { } version && BuildRan(result.ExitCode, output))
            {
                makeLog = MakeLogLocator.AfterFailure(root, module, version, action.KernelVersion, output, started);
            }
            return new RepairExecution(ran, false, result.TimedOut ? -1 : result.ExitCode, result.TimedOut, index, output, makeLog, MakeLogLocator.Tail(root, makeLog));
        }
        return new RepairExecution(ran, true, 0, false, null, string.Empty, null, null);
    }

    // Exit 10 (make failed) and 7 (no module file produced) come from a build; other failures happen before one.
    private static bool BuildRan(int exitCode, string output) =>
        exitCode is DkmsExitCode.BuildFailed or 7 || output.Contains("make.log", StringComparison.Ordinal);
}
