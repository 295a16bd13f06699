using System.Diagnostics;

namespace KmodPS.Core.Platform;

/// <summary>Runs commands with <see cref="ProcessStartInfo.ArgumentList"/>; logs each command line before it starts.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    private readonly Action<string>? _log;

    /// <param name="log">Receives each full command line (the cmdlets pass it to the verbose stream).</param>
    public ProcessCommandRunner(Action<string>? log = null)
    {
        _log = log;
    }

    public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
    {
        var program = request.FileName.Contains('/') ? request.FileName : FindProgram(request.FileName);
        if (program is null || !File.Exists(program))
        {
            throw new CommandNotFoundException(request.FileName);
        }
        _log?.Invoke(request.DisplayText);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(request.ToStartInfo(program)) ?? throw new CommandNotFoundException(request.FileName);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var timedOut = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(request.Timeout);
            process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }
        return new CommandResult(request, timedOut ? -1 : process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), clock.Elapsed, timedOut);
    }

    public string? FindProgram(string name)
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var directories = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(new[] { "/usr/sbin", "/sbin" });
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
