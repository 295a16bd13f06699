namespace KmodPS.Host;

/// <summary>The runner's command line: <c>kmodps [--json] [--module PATH] [--width N] [command ...]</c>.</summary>
internal sealed record RunnerOptions(bool Json, string? ModulePath, int? Width, string Script, bool ShowHelp)
{
    public const string DefaultScript = "Get-KernelModuleStatus";

    public const string Usage = """
        usage: kmodps [--json] [--module PATH] [--width N] [POWERSHELL COMMAND ...]

        Runs a KmodPS command line in an embedded PowerShell engine (no pwsh needed)
        and prints the results through KmodPS's format views.
          --json         print the output objects as a JSON array instead
          --module PATH  the KmodPS.psd1 to import (default: $KMODPS_MODULE, or the
                         nearest KmodPS.psd1 above this program)
          --width N      console width for tables (default: terminal width, $COLUMNS or 120)
        The command defaults to: Get-KernelModuleStatus
        Exit status: 0 success; 1 the last output was $false (Test-* commands); 2 errors.
        """;

    public static RunnerOptions Parse(string[] args)
    {
        var json = false;
        string? module = null;
        int? width = null;
        var index = 0;
        for (; index < args.Length && args[index].StartsWith("--", StringComparison.Ordinal); index++)
        {
            switch (args[index])
            {
                case "--json":
                    json = true;
                    break;
                case "--module" when index + 1 < args.Length:
                    module = args[++index];
                    break;
                case "--width" when index + 1 < args.Length && int.TryParse(args[index + 1], out var w) && w > 20:
                    width = w;
                    index++;
                    break;
                case "--help":
                    return new RunnerOptions(json, module, width, DefaultScript, ShowHelp: true);
                case "--":
                    index++;
                    goto done;
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[index]}'.");
            }
        }
    done:
        var script = index < args.Length ? string.Join(' ', args[index..]) : DefaultScript;
        return new RunnerOptions(json, module, width, script, ShowHelp: false);
    }
}
