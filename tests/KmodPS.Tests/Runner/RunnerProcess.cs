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

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments) => RunVia(Array.Empty<string>(), arguments);

    /// <summary>Runs the runner through a launcher (for example setpriv to drop privileges).</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunVia(IReadOnlyList<string> launcher, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (launcher.Count > 0)
        {
            launcher.Skip(1).Append("dotnet").ToList().ForEach(startInfo.ArgumentList.Add);
        }
        startInfo.ArgumentList.Add(RunnerDll);
        startInfo.ArgumentList.Add("--module");
        startInfo.ArgumentList.Add(RepoPaths.Manifest);
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
