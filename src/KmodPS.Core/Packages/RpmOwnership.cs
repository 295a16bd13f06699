using KmodPS.Diagnostics;
using KmodPS.Platform;

namespace KmodPS.Packages;

/// <summary>File owners from one <c>rpm -qf</c> call for the whole batch (rpm's database format is private to rpm).</summary>
public sealed class RpmOwnership : IPackageOwnership
{
    // Every file of each owning package with the package: unambiguous even when one file has several owners.
    private const string QueryFormat = "[%{FILENAMES}\\t%{=NAME}-%{=VERSION}-%{=RELEASE}.%{=ARCH}\\n]";

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public RpmOwnership(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    public static bool IsPresent(ISystemRoot root) =>
        root.DirectoryExists("/var/lib/rpm") && root.ListDirectory("/var/lib/rpm").Count > 0
        || root.DirectoryExists("/usr/lib/sysimage/rpm") && root.ListDirectory("/usr/lib/sysimage/rpm").Count > 0;

    public static string DatabasePath(ISystemRoot root) =>
        root.DirectoryExists("/usr/lib/sysimage/rpm") && root.ListDirectory("/usr/lib/sysimage/rpm").Count > 0 ? "/usr/lib/sysimage/rpm" : "/var/lib/rpm";

    public IReadOnlyDictionary<string, string> FindOwners(IReadOnlyCollection<string> paths, DiagnosticLog log)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return owners;
        }
        var arguments = new List<string>();
        if (!_root.IsHostRoot)
        {
            arguments.AddRange(new[] { "--root", _root.RootPath });
        }
        // Name the database: rpm built for other distributions (Debian's keeps ~/.rpmdb) would otherwise look elsewhere.
        arguments.AddRange(new[] { "--dbpath", DatabasePath(_root) });
        arguments.AddRange(new[] { "-qf", "--qf", QueryFormat });
        arguments.AddRange(paths);
        CommandResult result;
        try
        {
            result = _runner.Run(new CommandRequest("rpm", arguments));
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.NotInstalled, $"Cannot read the rpm database under {_root.RootPath}: {e.Message}", _root.RootPath));
            return owners;
        }
        if (result.StandardOutput.Length == 0 && result.StandardError.Contains("database", StringComparison.OrdinalIgnoreCase))
        {
            log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ReadError,
                $"Cannot read the rpm database under {_root.RootPath}: {result.StandardError.Trim()}", _root.RootPath));
            return owners;
        }
        var wanted = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0 && wanted.Contains(line[..tab]))
            {
                owners.TryAdd(line[..tab], line[(tab + 1)..].Trim());
            }
        }
        return owners;
    }
}
