using System.Diagnostics;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Runner;

/// <summary>Starts the built runner (KmodPS.Runner.dll) as a separate process, as hooks and ssh users do.</summary>
public static class RunnerProcess
{
    public static string RunnerDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(RepoPaths.Root, "src", "KmodPS.Host", "bin", configuration, "net10.0", "KmodPS.Runner.dll");
        }
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments) =>
        Start(Array.Empty<string>(), RunnerDll, RepoPaths.Manifest, arguments);

    /// <summary>
    /// Runs the runner as the unprivileged user nobody (setpriv), from a world-readable copy of the runner and the
    /// module: the checkout itself may sit in a directory only root can enter (mktemp -d makes 0700 ones).
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) RunAsNobody(params string[] arguments)
    {
        var copy = Path.Combine(Path.GetTempPath(), "kmodps-nobody-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            Lab.Shell.Stdout("cp", "-a", Path.GetDirectoryName(RunnerDll)!, Path.Combine(copy, "runner"));
            Lab.Shell.Stdout("mkdir", "-m", "0755", Path.Combine(copy, "module"));
            Lab.Shell.Stdout("cp", "-a", RepoPaths.Manifest, Path.Combine(RepoPaths.Root, "module"), Path.Combine(copy, "module"));
            Lab.Shell.Stdout("chmod", "-R", "a+rX", copy);
            var nobody = new[] { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp" };
            return Start(nobody, Path.Combine(copy, "runner", Path.GetFileName(RunnerDll)), Path.Combine(copy, "module", Path.GetFileName(RepoPaths.Manifest)), arguments);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>The KmodPS temporary directories nobody owns (what <see cref="RunAsNobody"/> runs leaves behind), sorted.</summary>
    public static List<string> NobodysTemporaryDirectories() =>
        Lab.Shell.Stdout("find", Path.GetTempPath(), "-maxdepth", "1", "-name", "kmodps-*", "-uid", "65534").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();

    /// <summary>Starts the runner without waiting (output redirected, for the caller to read); <paramref name="environment"/> is added to this process's.</summary>
    public static Process Begin(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        foreach (var argument in new[] { RunnerDll, "--module", RepoPaths.Manifest, "--width", "120" }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        return Process.Start(startInfo)!;
    }

    private static (int ExitCode, string Stdout, string Stderr) Start(IReadOnlyList<string> launcher, string runnerDll, string manifest, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (launcher.Count > 0)
        {
            launcher.Skip(1).Append("dotnet").ToList().ForEach(startInfo.ArgumentList.Add);
        }
        startInfo.ArgumentList.Add(runnerDll);
        startInfo.ArgumentList.Add("--module");
        startInfo.ArgumentList.Add(manifest);
        startInfo.ArgumentList.Add("--width");
        startInfo.ArgumentList.Add("120");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(true);
            throw new TimeoutException("kmodps did not finish in 120 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
