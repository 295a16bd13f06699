namespace KmodPS.Core.Platform;

/// <summary>An <see cref="ISystemRoot"/> backed by a directory of this machine.</summary>
public sealed class DirectorySystemRoot : ISystemRoot
{
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

    /// <summary>The running host's own root.</summary>
    public static DirectorySystemRoot Host { get; } = new("/");

    public string RootPath { get; }

    public bool IsHostRoot { get; }

    public string MapPath(string path) => ChrootPath.Map(RootPath, path);

    public string? ResolvePath(string path)
    {
        var result = ChrootPath.Resolve(RootPath, path);
        if (result is null)
        {
            return null;
        }
        var mapped = MapPath(result);
        return File.Exists(mapped) || Directory.Exists(mapped) ? result : null;
    }

    public bool FileExists(string path) => ResolvePath(path) is { } p && File.Exists(MapPath(p));

    public bool DirectoryExists(string path) => ResolvePath(path) is { } p && Directory.Exists(MapPath(p));

    public bool IsSymbolicLink(string path) => ReadLink(path) is not null;

    public string? ReadLink(string path) => InResolvedDirectory(path) is { } inDirectory ? new FileInfo(MapPath(inDirectory)).LinkTarget : null;

    public IReadOnlyList<string> ListDirectory(string path) => ListEntries(path).Select(e => e.Name).ToList();

    public IReadOnlyList<RootEntry> ListEntries(string path)
    {
        if (ResolvePath(path) is not { } resolved || !Directory.Exists(MapPath(resolved)))
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
        if (ResolvePath(path) is not { } resolved || !Directory.Exists(MapPath(resolved)))
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
        return ChrootPath.Resolve(RootPath, directory) is { } resolved ? TreePath.Combine(resolved, normalized[(slash + 1)..]) : null;
    }

    private string MapResolved(string path) =>
        MapPath(ResolvePath(path) ?? throw new FileNotFoundException($"'{path}' does not exist under root '{RootPath}'.", MapPath(path)));
}
