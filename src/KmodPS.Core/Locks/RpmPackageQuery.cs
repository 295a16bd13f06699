using KmodPS.Diagnostics;
using KmodPS.Packages;
using KmodPS.Platform;

namespace KmodPS.Locks;

/// <summary>Every installed RPM package of a root from one <c>rpm -qa</c> (rpm's database format is private to rpm).</summary>
public sealed class RpmPackageQuery
{
    private const string QueryFormat = "%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n";

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public RpmPackageQuery(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    public CommandRequest Request
    {
        get
        {
            var arguments = new List<string>();
            if (!_root.IsHostRoot)
            {
                arguments.AddRange(new[] { "--root", _root.RootPath });
            }
            // Name the database: rpm built for other distributions (Debian's keeps ~/.rpmdb) would otherwise look elsewhere.
            arguments.AddRange(new[] { "--dbpath", RpmOwnership.DatabasePath(_root), "-qa", "--qf", QueryFormat });
            return new CommandRequest("rpm", arguments) { Timeout = TimeSpan.FromMinutes(2) };
        }
    }

    /// <summary>The installed packages; null with a <c>PackageDatabaseUnavailable</c> failure when rpm cannot answer.</summary>
    public IReadOnlyList<RpmPackage>? Read(DiagnosticLog log)
    {
        CommandResult result;
        try
        {
            result = _runner.Run(Request);
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.NotInstalled, $"Cannot read the rpm database under {_root.RootPath}: {e.Message}", _root.RootPath));
            return null;
        }
        if (!result.Succeeded)
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ReadError,
                $"Cannot read the rpm database under {_root.RootPath}: {result.Request.DisplayText} exited {result.ExitCode}: {result.StandardError.Trim()}", _root.RootPath));
            return null;
        }
        return Parse(result.StandardOutput);
    }

    public static IReadOnlyList<RpmPackage> Parse(string output)
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
}
