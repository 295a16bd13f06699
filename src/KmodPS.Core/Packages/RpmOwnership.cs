using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>File owners from one <c>rpm -qf</c> call for the whole batch (rpm's database format is private to rpm).</summary>
internal sealed class RpmOwnership(ISystemRoot root, ICommandRunner runner) : IPackageOwnership
{
    // Every file of each owning package with the package: unambiguous even when one file has several owners.
    private const string QueryFormat = "[%{FILENAMES}\\t%{=NAME}-%{=VERSION}-%{=RELEASE}.%{=ARCH}\\n]";

    public OwnedFiles FindOwnedFiles(IReadOnlyCollection<string> paths, string? listedUnder, DiagnosticLog log)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return OwnedFiles.None;
        }
        var arguments = RpmDatabase.Arguments(root).Concat(new[] { "-qf", "--qf", QueryFormat }).Concat(paths).ToList();
        CommandResult result;
        try
        {
            result = runner.Run(new CommandRequest("rpm", arguments));
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(RpmDatabase.Unavailable(root, FailureCategory.NotInstalled, e.Message));
            return OwnedFiles.None;
        }
        if (result.StandardOutput.Length == 0 && result.StandardError.Contains("database", StringComparison.OrdinalIgnoreCase))
        {
            log.Fail(RpmDatabase.Unavailable(root, FailureCategory.ReadError, result.StandardError.Trim()));
            return OwnedFiles.None;
        }
        var wanted = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0)
            {
                continue;
            }
            if (wanted.Contains(line[..tab]))
            {
                owners.TryAdd(line[..tab], line[(tab + 1)..].Trim());
            }
            if (listedUnder is not null && line.StartsWith(listedUnder, StringComparison.Ordinal))
            {
                listed.TryAdd(line[..tab], line[(tab + 1)..].Trim());
            }
        }
        return new OwnedFiles(owners, listed);
    }
}
