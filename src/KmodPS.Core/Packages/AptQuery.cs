using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Debian-family repository answers: <c>apt-get -s dist-upgrade</c> (what an upgrade would install) and
/// <c>apt-cache policy</c> (whether named packages have a candidate), with <c>-o Dir=</c> for an alternate root.
/// </summary>
internal sealed partial class AptQuery(ISystemRoot root, ICommandRunner runner) : IAptRepository
{
    /// <summary>What an upgrade would do (the Inst, Remv and kept-back lines of <c>apt-get -s dist-upgrade</c>, holds and pins honoured).</summary>
    public AptSimulation? SimulateUpgrade(DiagnosticLog log)
    {
        var result = Run("apt-get", new[] { "-s", "-q", "dist-upgrade" }, log);
        return result is null ? null : ParseSimulation(result.StandardOutput);
    }

    /// <summary>Of the named packages, those that are installed or have a candidate version.</summary>
    public IReadOnlySet<string>? Available(IReadOnlyCollection<string> packages, DiagnosticLog log)
    {
        if (packages.Count == 0)
        {
            return new HashSet<string>();
        }
        var result = Run("apt-cache", new[] { "policy" }.Concat(packages).ToArray(), log);
        return result is null ? null : ParsePolicy(result.StandardOutput);
    }

    public static AptSimulation ParseSimulation(string output)
    {
        var lines = output.Split('\n');
        var keptBack = new List<string>();
        var inKeptBack = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("The following packages have been kept back:", StringComparison.Ordinal) || line.StartsWith("The following held packages", StringComparison.Ordinal))
            {
                inKeptBack = line.Contains("kept back", StringComparison.Ordinal);
                continue;
            }
            if (inKeptBack && line.StartsWith(' '))
            {
                keptBack.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                continue;
            }
            inKeptBack = false;
        }
        return new AptSimulation(Packages(lines, InstLine()), Packages(lines, RemvLine()), keptBack);
    }

    private static IReadOnlyList<string> Packages(IEnumerable<string> lines, Regex pattern) =>
        lines.Select(l => pattern.Match(l)).Where(m => m.Success).Select(m => m.Groups["package"].Value).ToList();

    public static IReadOnlySet<string> ParsePolicy(string output)
    {
        var available = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line.EndsWith(':'))
            {
                current = line[..^1];
                continue;
            }
            var trimmed = line.Trim();
            if (current is not null && (trimmed.StartsWith("Candidate:", StringComparison.Ordinal) || trimmed.StartsWith("Installed:", StringComparison.Ordinal))
                && !trimmed.EndsWith("(none)", StringComparison.Ordinal))
            {
                available.Add(current);
            }
        }
        return available;
    }

    private CommandResult? Run(string tool, string[] arguments, DiagnosticLog log)
    {
        var options = new List<string> { "-o", "Debug::NoLocking=true" };
        if (!root.IsHostRoot)
        {
            options.AddRange(new[] { "-o", "Dir=" + root.RootPath });
        }
        try
        {
            var result = runner.Run(new CommandRequest(tool, options.Concat(arguments)) { Timeout = TimeSpan.FromMinutes(3) });
            if (result.Succeeded)
            {
                return result;
            }
            log.Fail(new Failure(ErrorIds.PackageQueryFailed, FailureCategory.ResourceUnavailable,
                $"{result.Request.DisplayText} failed (exit {result.ExitCode}): {result.StandardError.Trim()}", root.RootPath,
                "Run 'apt-get update' if the package lists are missing; if another apt or dpkg holds the lock, retry when it has finished."));
            return null;
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, e.Message, root.RootPath));
            return null;
        }
    }

    [GeneratedRegex(@"^Inst (?<package>[^ ]+)")]
    private static partial Regex InstLine();

    [GeneratedRegex(@"^Remv (?<package>[^ ]+)")]
    private static partial Regex RemvLine();
}

/// <summary>What <c>apt-get -s dist-upgrade</c> says an upgrade would do: packages installed, removed and kept back.</summary>
public sealed record AptSimulation(IReadOnlyList<string> Installs, IReadOnlyList<string> Removes, IReadOnlyList<string> KeptBack);
