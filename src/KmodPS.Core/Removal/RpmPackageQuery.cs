using KmodPS.Diagnostics;
using KmodPS.Packages;
using KmodPS.Platform;

namespace KmodPS.Removal;

/// <summary>
/// Every installed package with its requirements, from one <c>rpm -qa</c> (rpm's database format is private to rpm):
/// <c>rpm [--root R] --dbpath &lt;db&gt; -qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t[...]\n'</c>.
/// </summary>
public sealed class RpmPackageQuery
{
    /// <summary>The query format: the NEVRA fields, then the requirements as <c>name flags version|</c> items.</summary>
    public const string QueryFormat = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t[%{REQUIRENAME} %{REQUIREFLAGS:depflags} %{REQUIREVERSION}|]\\n";

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public RpmPackageQuery(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    /// <summary>The argument vector of the query (also shown in tests and verbose output).</summary>
    public static IReadOnlyList<string> Arguments(ISystemRoot root)
    {
        var arguments = new List<string>();
        if (!root.IsHostRoot)
        {
            arguments.AddRange(new[] { "--root", root.RootPath });
        }
        arguments.AddRange(new[] { "--dbpath", RpmOwnership.DatabasePath(root), "-qa", "--qf", QueryFormat });
        return arguments;
    }

    /// <summary>The installed packages; null with a <c>PackageDatabaseUnavailable</c> failure when rpm cannot be read.</summary>
    public IReadOnlyList<InstalledPackage>? Read(DiagnosticLog log)
    {
        CommandResult result;
        try
        {
            result = _runner.Run(new CommandRequest("rpm", Arguments(_root)) { Timeout = TimeSpan.FromMinutes(2) });
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.NotInstalled, $"Cannot read the rpm database under {_root.RootPath}: {e.Message}", _root.RootPath));
            return null;
        }
        if (!result.Succeeded)
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ReadError,
                $"{result.Request.DisplayText} failed (exit {result.ExitCode}): {result.StandardError.Trim()}", _root.RootPath));
            return null;
        }
        return Parse(result.StandardOutput);
    }

    /// <summary>Parses the query's output; malformed lines are skipped.</summary>
    public static IReadOnlyList<InstalledPackage> Parse(string output)
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
