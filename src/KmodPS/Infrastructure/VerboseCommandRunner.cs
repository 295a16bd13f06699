using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>
/// The command runner of one cmdlet invocation: writes each command line to the verbose stream before it
/// starts (commands run on the pipeline thread) and kills running commands when the cmdlet is stopped (Ctrl+C).
/// </summary>
internal sealed class VerboseCommandRunner : ICommandRunner, IDisposable
{
    private readonly ProcessCommandRunner _inner;
    private readonly CancellationTokenSource _stopping = new();

    public VerboseCommandRunner(Action<string> writeVerbose)
    {
        _inner = new ProcessCommandRunner(line => writeVerbose("Running: " + line));
    }

    public void Stop() => _stopping.Cancel();

    public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, cancellationToken);
        return _inner.Run(request, linked.Token);
    }

    public string? FindProgram(string name) => _inner.FindProgram(name);

    public void Dispose() => _stopping.Dispose();
}
