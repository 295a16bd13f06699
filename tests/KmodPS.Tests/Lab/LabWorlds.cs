using System.Diagnostics;

namespace KmodPS.Tests.Lab;

/// <summary>Builds the lab worlds once per test run with tests/lab/build.sh (unless built by the same scripts already).</summary>
public sealed class LabWorlds
{
    private const string Stamp = ".kmodps-tests-fingerprint";

    public LabWorlds()
    {
        var missing = LabEnvironment.MissingTools();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"KMODPS_LAB=required but lab tools are missing: {string.Join(", ", missing)}. Run 'sudo tests/lab/install.sh'.");
        }
        var fingerprint = LabEnvironment.ScriptsFingerprint();
        var stampPath = Path.Combine(LabEnvironment.Directory, Stamp);
        if (File.Exists(Path.Combine(LabEnvironment.Directory, ".built")) && File.Exists(stampPath) && File.ReadAllText(stampPath).Trim() == fingerprint)
        {
            return;
        }
        var (exit, output) = Shell.Run(Path.Combine(LabEnvironment.LabScripts, "build.sh"), TimeSpan.FromMinutes(20), LabEnvironment.Directory);
        if (exit != 0)
        {
            throw new InvalidOperationException($"tests/lab/build.sh failed with exit code {exit}:\n{output}");
        }
        File.WriteAllText(stampPath, fingerprint);
    }

    public string Dir(string world) => LabEnvironment.World(world);
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabWorlds>
{
    public const string Name = "Lab";
}

/// <summary>Runs the lab's real tools from argument vectors.</summary>
public static class Shell
{
    public static (int ExitCode, string Output) Run(string program, TimeSpan timeout, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.Environment["LC_ALL"] = "C";
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(true);
            throw new TimeoutException($"{program} did not finish in {timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static string Stdout(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.Environment["LC_ALL"] = "C";
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }
        return stdout;
    }
}
