namespace KmodPS.Core.Platform;

/// <summary>An <see cref="ISystemRoot"/> backed by a directory of this machine.</summary>
public sealed class DirectorySystemRoot : ISystemRoot
{
    // Directory resolutions remembered by a view made for one read (ForOneRead); null for an ordinary root.
    private readonly Dictionary<string, (string? Resolved, int Hops)>? _directories;

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

    public string? ReadLink(string path) => InResolvedDirectory(path) is { } inDirectory ? new FileInfo(MapPath(inDirectory)).LinkTarget : null;

    public IReadOnlyList<string> ListDirectory(string path) => ListEntries(path).Select(e => e.Name).ToList();

    public IReadOnlyList<RootEntry> ListEntries(string path)
    {
        if (Locate(path) is not { IsDirectory: true, Path: var resolved })
        {
            return Array.Empty<RootEntry>();
        }
        // The enumeration's own file type (d_type), not a stat per entry; a link is Other whatever it points to.
        var entries = new DirectoryInfo(MapPath(resolved)).EnumerateFileSystemInfos()
            .Select(i => new RootEntry(i.Name, i.Attributes.HasFlag(FileAttributes.ReparsePoint) ? RootEntryKind.Link
                : i is DirectoryInfo ? RootEntryKind.Directory : RootEntryKind.File))
            .ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
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

    // The resolved path and whether it is a directory, from one stat (as File.Exists, a special file counts as a file); null when nothing is there.
    private (string Path, bool IsDirectory)? Locate(string path)
    {
        if (ChrootPath.Resolve(RootPath, path, _directories) is not { } resolved || LibC.Stat(MapPath(resolved), out var status) != 0)
        {
            return null;
        }
        return (resolved, (status.Mode & LibC.S_IFMT) == LibC.S_IFDIR);
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
