using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Every installed package of a root from one <c>rpm [--root R] --dbpath &lt;db&gt; -qa --qf FORMAT</c> (rpm's
/// database format is private to rpm), in one of two formats: the NEVRA only (<see cref="ReadPackages"/>, what
/// Lock-Kernel pins) or the NEVRA with the requirements (<see cref="ReadWithRequirements"/>, what Remove-Kernel checks).
/// </summary>
internal sealed class RpmPackageQuery
{
    /// <summary>The NEVRA fields, separated by <c>|</c>.</summary>
    public const string PackagesFormat = "%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n";

    /// <summary>The NEVRA fields separated by tabs, then the requirements as <c>name flags version|</c> items.</summary>
    public const string RequirementsFormat = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t[%{REQUIRENAME} %{REQUIREFLAGS:depflags} %{REQUIREVERSION}|]\\n";

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public RpmPackageQuery(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    /// <summary>The argument vector of the query (also shown in tests and verbose output).</summary>
    public static IReadOnlyList<string> Arguments(ISystemRoot root, string queryFormat) =>
        RpmDatabase.Arguments(root).Concat(new[] { "-qa", "--qf", queryFormat }).ToList();

    /// <summary>The installed packages without gpg-pubkey; null with a <c>PackageDatabaseUnavailable</c> failure when rpm cannot answer.</summary>
    public IReadOnlyList<RpmPackage>? ReadPackages(DiagnosticLog log) =>
        Run(PackagesFormat, log, r => RpmDatabase.Unavailable(_root, FailureCategory.ReadError, $"{r.Request.DisplayText} exited {r.ExitCode}: {r.StandardError.Trim()}")) is { } output
            ? ParsePackages(output)
            : null;

    /// <summary>The installed packages with their requirements; null with a <c>PackageDatabaseUnavailable</c> failure when rpm cannot be read.</summary>
    public IReadOnlyList<InstalledPackage>? ReadWithRequirements(DiagnosticLog log) =>
        Run(RequirementsFormat, log, r => new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ReadError,
            $"{r.Request.DisplayText} failed (exit {r.ExitCode}): {r.StandardError.Trim()}", _root.RootPath)) is { } output
            ? ParseWithRequirements(output)
            : null;

    /// <summary>Parses the output of <see cref="PackagesFormat"/>: gpg-pubkey and malformed lines are skipped, no epoch is 0, no arch is noarch.</summary>
    public static IReadOnlyList<RpmPackage> ParsePackages(string output)
    {
        var packages = new List<RpmPackage>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length == 5 && parts[0].Length > 0 && !parts[0].StartsWith("gpg-pubkey", StringComparison.Ordinal))
            {
                packages.Add(new RpmPackage(parts[0], parts[1] == "(none)" ? "0" : parts[1], parts[2], parts[3], parts[4] == "(none)" ? "noarch" : parts[4]));
            }
        }
        return packages;
    }

    /// <summary>Parses the output of <see cref="RequirementsFormat"/>; malformed lines are skipped.</summary>
    public static IReadOnlyList<InstalledPackage> ParseWithRequirements(string output)
    {
        var packages = new List<InstalledPackage>();
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split('\t');
            if (fields.Length < 5 || fields[0].Length == 0)
            {
                continue;
            }
            var requires = fields.Length > 5 ? ParseRequires(fields[5]) : Array.Empty<PackageRequirement>();
            var epoch = fields[1] is "" or "(none)" ? "0" : fields[1];
            packages.Add(new InstalledPackage(fields[0], epoch, fields[2], fields[3], fields[4], requires));
        }
        return packages;
    }

    // The exit failure is worded as each cmdlet has always reported it.
    private string? Run(string queryFormat, DiagnosticLog log, Func<CommandResult, Failure> exitFailure)
    {
        // rpm -qa on a root without a database creates an empty one there: a query, even under -WhatIf, would write.
        if (!RpmDatabase.IsPresent(_root))
        {
            log.Fail(RpmDatabase.Unavailable(_root, FailureCategory.ObjectNotFound, $"there is no rpm database in {RpmDatabase.Path(_root)}."));
            return null;
        }
        CommandResult result;
        try
        {
            result = _runner.Run(new CommandRequest("rpm", Arguments(_root, queryFormat)) { Timeout = TimeSpan.FromMinutes(2) });
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(RpmDatabase.Unavailable(_root, FailureCategory.NotInstalled, e.Message));
            return null;
        }
        if (!result.Succeeded)
        {
            log.Fail(exitFailure(result));
            return null;
        }
        return result.StandardOutput;
    }

    private static IReadOnlyList<PackageRequirement> ParseRequires(string field)
    {
        var requires = new List<PackageRequirement>();
        foreach (var item in field.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            // "name flags version" for versioned requirements, "name  " for plain ones; rich dependencies keep their text.
            var parts = item.Trim().Split(' ');
            if (parts.Length == 3 && parts[1] is "=" or "<" or ">" or "<=" or ">=")
            {
                requires.Add(PackageRequirement.Rpm(parts[0], parts[1], parts[2]));
            }
            else
            {
                requires.Add(PackageRequirement.Rpm(item.Trim(), null, null));
            }
        }
        return requires;
    }
}
