using System.Diagnostics;

namespace KmodPS.Tests.Runner;

/// <summary>
/// A runner process (KmodPS.Runner.dll) that has started, imported the module and waits for <see cref="Go"/> before it
/// runs its command: the command starts at a moment the caller knows, without the seconds of process start and import,
/// so that a kill delay falls inside the command itself and several armed runners start their commands at once.
/// </summary>
public sealed class ArmedRunner : IDisposable
{
    private const string Ready = "kmodps-armed";
    private readonly Process _process;
    private readonly Stopwatch _clock = new();
    private Task<string>? _stdout;
    private Task<string>? _stderr;

    private ArmedRunner(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public int ProcessId => _process.Id;

    /// <summary>How long the command has run (since <see cref="Go"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts the runner for <paramref name="command"/> (a PowerShell command line) and waits until it is armed.</summary>
    public static ArmedRunner Start(string command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        var script = $"[Console]::Out.WriteLine('{Ready}'); $null = [Console]::In.ReadLine(); {command}";
        foreach (var argument in new[] { RunnerProcess.RunnerDll, "--module", Engine.RepoPaths.Manifest, "--width", "120", script })
        {
            startInfo.ArgumentList.Add(argument);
        }
        var runner = new ArmedRunner(Process.Start(startInfo)!, command);
        runner._stderr = runner._process.StandardError.ReadToEndAsync();
        var first = runner._process.StandardOutput.ReadLineAsync();
        if (!first.Wait(TimeSpan.FromMinutes(3)) || first.Result != Ready)
        {
            runner.Kill();
            throw new InvalidOperationException($"the runner for '{command}' did not arm: {first.Result} {runner._stderr.Result}");
        }
        runner._stdout = runner._process.StandardOutput.ReadToEndAsync();
        return runner;
    }

    /// <summary>Lets the command run.</summary>
    public void Go()
    {
        _process.StandardInput.WriteLine();
        _process.StandardInput.Flush();
        _clock.Start();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the command to end; false when it still runs.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }
        _process.WaitForExit();
        _clock.Stop();
        return true;
    }

    /// <summary>SIGKILL to the runner and every process it started (dnf, rpm, grub-editenv): nothing of KmodPS cleans up.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended just before the kill.
        }
        _process.WaitForExit();
        _clock.Stop();
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the runner printed (after it was armed), stdout then stderr.</summary>
    public string Output => (_stdout?.Result ?? string.Empty) + (_stderr?.Result ?? string.Empty);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
