using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>File owners from dpkg's <c>info/*.list</c> files, read directly (no dpkg process).</summary>
internal sealed class DpkgOwnership : IPackageOwnership
{
    public const string InfoDirectory = "/var/lib/dpkg/info";

    private readonly ISystemRoot _root;
    private readonly string[] _interestingPrefixes;

    /// <param name="interestingPrefixes">Only list entries under these directories are indexed, to keep the read cheap.</param>
    public DpkgOwnership(ISystemRoot root, params string[] interestingPrefixes)
    {
        _root = root;
        _interestingPrefixes = interestingPrefixes.Length > 0 ? interestingPrefixes : new[] { "/" };
    }

    public static bool IsPresent(ISystemRoot root) => root.FileExists(DpkgStatusFile.Path);

    public OwnedFiles FindOwnedFiles(IReadOnlyCollection<string> paths, string? listedUnder, DiagnosticLog log)
    {
        var wanted = new HashSet<string>(paths.Select(UsrMerge.Canonical), StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var listed = new List<(string Path, string Package)>();
        foreach (var listFile in _root.ListDirectory(InfoDirectory).Where(n => n.EndsWith(".list", StringComparison.Ordinal)))
        {
            var package = listFile[..^".list".Length].Split(':')[0];
            string text;
            try
            {
                text = _root.ReadAllText(TreePath.Combine(InfoDirectory, listFile));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Cannot read {_root.MapPath(TreePath.Combine(InfoDirectory, listFile))}: {e.Message}");
                continue;
            }
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || !_interestingPrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal) || line.StartsWith("/usr" + p, StringComparison.Ordinal)))
                {
                    continue;
                }
                var canonical = UsrMerge.Canonical(line);
                if (wanted.Contains(canonical))
                {
                    owners.TryAdd(canonical, package);
                }
                if (listedUnder is not null && canonical.StartsWith(UsrMerge.Canonical(listedUnder), StringComparison.Ordinal))
                {
                    listed.Add((line, package));
                }
            }
        }
        var owning = owners.Values.ToHashSet(StringComparer.Ordinal);
        return new OwnedFiles(
            paths.Where(p => owners.ContainsKey(UsrMerge.Canonical(p))).Distinct(StringComparer.Ordinal).ToDictionary(p => p, p => owners[UsrMerge.Canonical(p)], StringComparer.Ordinal),
            listed.Where(l => owning.Contains(l.Package)).DistinctBy(l => l.Path).ToDictionary(l => l.Path, l => l.Package, StringComparer.Ordinal));
    }
}
