namespace KmodPS.Core.Platform;

/// <summary>Runs native commands from an argument vector with a timeout and cancellation.</summary>
public interface ICommandRunner
{
    /// <summary>Runs the command to completion (or timeout/cancellation) and captures its output.</summary>
    /// <exception cref="CommandNotFoundException">The program is not installed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the child was killed.</exception>
    CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default);

    /// <summary>The full path of a program found on PATH, or null.</summary>
    string? FindProgram(string name);
}
