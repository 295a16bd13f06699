using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>
/// A command runner for long-running commands (dkms builds, package installs) whose output the user should see
/// as it happens: the command line and then every line the child prints go to <c>writeLine</c>. The process's
/// reader threads only queue lines; <see cref="Run"/> drains the queue on the calling thread (the pipeline
/// thread, so <c>WriteVerbose</c> is legal) while it waits. Honours the request's timeout and is stopped (the
/// child's process tree killed) by <see cref="Stop"/> or the token.
/// </summary>
internal sealed class StreamingCommandRunner : ICommandRunner, IDisposable
{
    private const int PollMilliseconds = 100;
    private readonly Action<string> _writeLine;
    private readonly ProcessCommandRunner _finder = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="writeLine">Receives the command line and each output line, always on the thread that called <see cref="Run"/>.</param>
    public StreamingCommandRunner(Action<string> writeLine)
    {
        _writeLine = writeLine;
    }

    public void Stop() => _stopping.Cancel();

    public string? FindProgram(string name) => _finder.FindProgram(name);

    public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
    {
        var program = request.FileName.Contains('/') ? request.FileName : FindProgram(request.FileName);
        if (program is null || !File.Exists(program))
        {
            throw new CommandNotFoundException(request.FileName);
        }
        _writeLine("Running: " + request.DisplayText);
        var lines = new BlockingCollection<string>();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = request.ToStartInfo(program) };
        process.OutputDataReceived += (_, e) => Collect(e.Data, stdout, lines);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, stderr, lines);
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new CommandNotFoundException(request.FileName);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, cancellationToken);
        var timedOut = false;
        try
        {
            while (true)
            {
                if (lines.TryTake(out var line, PollMilliseconds, linked.Token))
                {
                    _writeLine("> " + line);
                    continue;
                }
                if (process.HasExited)
                {
                    break;
                }
                if (clock.Elapsed > request.Timeout)
                {
                    process.Kill(entireProcessTree: true);
                    timedOut = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw;
        }
        // The parameterless wait also waits for the redirected streams to reach end of file.
        process.WaitForExit();
        while (lines.TryTake(out var rest))
        {
            _writeLine("> " + rest);
        }
        string Text(StringBuilder builder)
        {
            lock (builder)
            {
                return builder.ToString();
            }
        }
        return new CommandResult(request, timedOut ? -1 : process.ExitCode, Text(stdout), Text(stderr), clock.Elapsed, timedOut);
    }

    public void Dispose() => _stopping.Dispose();

    private static void Collect(string? line, StringBuilder builder, BlockingCollection<string> lines)
    {
        if (line is null)
        {
            return;
        }
        lock (builder)
        {
            builder.AppendLine(line);
        }
        lines.Add(line);
    }
}
