using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KmodPS.Tests.Runner;

/// <summary>
/// A runner process (KmodPS.Runner.dll) that has started, imported the module and waits for <see cref="Go"/> before it
/// runs its command: the command starts at a moment the caller knows, without the seconds of process start and import,
/// so that a kill delay falls inside the command itself and several armed runners start their commands at once.
/// The runner leads its own process group (started through setsid), so that <see cref="Kill"/> reaches, in one
/// signal, every process it started, even one it forks at that very moment.
/// </summary>
public sealed class ArmedRunner : IDisposable
{
    private const int SigKill = 9;
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
        // setsid does not fork here (a child of this process is no group leader): the runner keeps setsid's process id.
        var startInfo = new ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        var script = $"[Console]::Out.WriteLine('{Ready}'); $null = [Console]::In.ReadLine(); {command}";
        foreach (var argument in new[] { "dotnet", RunnerProcess.RunnerDll, "--module", Engine.RepoPaths.Manifest, "--width", "120", script })
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
        if (ProcessGroupOf(runner.ProcessId) != runner.ProcessId)
        {
            runner.Kill();
            throw new InvalidOperationException($"the runner for '{command}' does not lead its own process group: a kill would miss what it starts");
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

    /// <summary>
    /// SIGKILL to the runner and every process it started (dnf, rpm, grub-editenv), as one signal to its process group,
    /// then waits until none of them runs any more: nothing of KmodPS cleans up, and nothing it started lives on.
    /// (Process.Kill(entireProcessTree) lists the children before it kills them, and misses a child forked meanwhile.)
    /// </summary>
    public void Kill()
    {
        if (kill(-_process.Id, SigKill) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: the group is gone */)
        {
            throw new InvalidOperationException($"kill(-{_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _process.WaitForExit();
        _clock.Stop();
        var deadline = Stopwatch.StartNew();
        while (LiveMembersOf(_process.Id).ToList() is { Count: > 0 } left)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"processes {string.Join(", ", left)} of the killed runner's group {_process.Id} still run 30 s after SIGKILL");
            }
            Thread.Sleep(5);
        }
    }

    // The processes of group <paramref name="group"/> that have not ended (a zombie waiting for its reaper has).
    private static IEnumerable<int> LiveMembersOf(int group)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat && stat.Group == group && stat.State != 'Z' && stat.State != 'X')
            {
                yield return pid;
            }
        }
    }

    private static int? ProcessGroupOf(int pid) => Stat(pid)?.Group;

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ...", where comm may hold spaces and parentheses.
    private static (char State, int Group)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[2]));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

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
