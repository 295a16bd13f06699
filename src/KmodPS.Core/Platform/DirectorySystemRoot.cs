using System.IO.Enumeration;
namespace KmodPS.Core.Platform;

/// <summary>An <see cref="ISystemRoot"/> backed by a directory of this machine.</summary>
public sealed class DirectorySystemRoot : ISystemRoot
{
    // Directory resolutions remembered by a view made for one read (ForOneRead); null for an ordinary root.
    private readonly Dictionary<string, (string? Resolved, int Hops)>? _directories;

    // What that view's listings showed: the entries that are not links, by path as written, with where they resolve.
    private readonly Dictionary<string, (string Resolved, bool IsDirectory)>? _listed;

    public DirectorySystemRoot(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        var full = Path.GetFullPath(rootPath);
        RootPath = full.Length > 1 ? full.TrimEnd('/') : full;
        if (RootPath.Length == 0)
        {
            RootPath = "/";
        }
        IsHostRoot = RootPath == "/";
    }

    private DirectorySystemRoot(DirectorySystemRoot root)
    {
        RootPath = root.RootPath;
        IsHostRoot = root.IsHostRoot;
        _directories = new Dictionary<string, (string? Resolved, int Hops)>(StringComparer.Ordinal);
        _listed = new Dictionary<string, (string Resolved, bool IsDirectory)>(StringComparer.Ordinal);
    }

    /// <summary>The running host's own root.</summary>
    public static DirectorySystemRoot Host { get; } = new("/");

    public string RootPath { get; }

    public bool IsHostRoot { get; }

    public string MapPath(string path) => ChrootPath.Map(RootPath, path);

    public ISystemRoot ForOneRead() => new DirectorySystemRoot(this);

    public string? ResolvePath(string path) => Locate(path)?.Path;

    public bool FileExists(string path) => Locate(path) is { IsDirectory: false };

    public bool DirectoryExists(string path) => Locate(path) is { IsDirectory: true };

    public bool IsSymbolicLink(string path) => ReadLink(path) is not null;

    public string? ReadLink(string path) =>
        _listed is not null && _listed.ContainsKey(TreePath.Normalize(path)) ? null
        : InResolvedDirectory(path) is { } inDirectory ? new FileInfo(MapPath(inDirectory)).LinkTarget : null;

    public IReadOnlyList<string> ListDirectory(string path) => ListEntries(path).Select(e => e.Name).ToList();

    public IReadOnlyList<RootEntry> ListEntries(string path)
    {
        if (Locate(path) is not { IsDirectory: true, Path: var resolved, Hops: var hops })
        {
            return Array.Empty<RootEntry>();
        }
        // The enumeration's own file types (d_type), with no stat per entry: one pass skips the links, one names them all.
        var directory = MapPath(resolved);
        var notLinks = new FileSystemEnumerable<RootEntry>(directory,
            (ref FileSystemEntry e) => new RootEntry(e.FileName.ToString(), e.IsDirectory ? RootEntryKind.Directory : RootEntryKind.File),
            new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false }).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var entries = new FileSystemEnumerable<string>(directory, (ref FileSystemEntry e) => e.FileName.ToString(), new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(name => notLinks.GetValueOrDefault(name, new RootEntry(name, RootEntryKind.Link)))
            .ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (_listed is not null)
        {
            var written = TreePath.Normalize(path).TrimEnd('/');
            foreach (var entry in entries.Where(e => e.Kind != RootEntryKind.Link))
            {
                var child = TreePath.Combine(resolved, entry.Name);
                _listed[written + "/" + entry.Name] = (child, entry.Kind == RootEntryKind.Directory);
                if (entry.Kind == RootEntryKind.Directory)
                {
                    _directories![written + "/" + entry.Name] = (child, hops);
                }
            }
        }
        return entries;
    }

    public IEnumerable<string> EnumerateFilesRecursive(string path)
    {
        if (Locate(path) is not { IsDirectory: true, Path: var resolved })
        {
            yield break;
        }
        var mappedDirectory = MapPath(resolved);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(mappedDirectory, "*", options))
        {
            yield return resolved.TrimEnd('/') + file[mappedDirectory.Length..];
        }
    }

    public string ReadAllText(string path) => File.ReadAllText(MapResolved(path));

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(MapResolved(path));

    public Stream OpenRead(string path) => new FileStream(MapResolved(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);

    public DateTime GetLastWriteTimeUtc(string path) => File.GetLastWriteTimeUtc(MapResolved(path));

    // The resolved path and whether it is a directory, from one stat (as File.Exists, a special file counts as a file), or
    // from a listing of this view; null when nothing is there.
    private (string Path, bool IsDirectory, int Hops)? Locate(string path)
    {
        var normalized = TreePath.Normalize(path);
        if (_listed is not null && _listed.TryGetValue(normalized, out var listed))
        {
            return (listed.Resolved, listed.IsDirectory, _directories!.GetValueOrDefault(normalized).Hops);
        }
        var (resolved, hops) = ChrootPath.ResolveCounting(RootPath, normalized, _directories);
        if (resolved is null || LibC.Stat(MapPath(resolved), out var status) != 0)
        {
            return null;
        }
        var isDirectory = (status.Mode & LibC.S_IFMT) == LibC.S_IFDIR;
        if (isDirectory && _directories is not null)
        {
            // A directory looked at is usually listed or looked into next.
            _directories[normalized] = (resolved, hops);
        }
        return (resolved, isDirectory, hops);
    }

    // The path with its directory resolved inside the root and its own name kept, so the name itself is not followed;
    // null when the directory's links loop.
    private string? InResolvedDirectory(string path)
    {
        var normalized = TreePath.Normalize(path);
        if (normalized == "/")
        {
            return normalized;
        }
        var slash = normalized.LastIndexOf('/');
        var directory = slash == 0 ? "/" : normalized[..slash];
        return ChrootPath.Resolve(RootPath, directory, _directories) is { } resolved ? TreePath.Combine(resolved, normalized[(slash + 1)..]) : null;
    }

    private string MapResolved(string path) =>
        MapPath(ResolvePath(path) ?? throw new FileNotFoundException($"'{path}' does not exist under root '{RootPath}'.", MapPath(path)));
}
