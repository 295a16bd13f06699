namespace KmodPS.Platform;

/// <summary>An <see cref="ISystemRoot"/> backed by a directory of this machine.</summary>
public sealed class DirectorySystemRoot : ISystemRoot
{
    private const int MaxLinkHops = 40;

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

    public string MapPath(string path)
    {
        var normalized = TreePath.Normalize(path);
        return IsHostRoot ? normalized : RootPath + (normalized == "/" ? string.Empty : normalized);
    }

    public string? ResolvePath(string path)
    {
        var pending = new Stack<string>(Enumerable.Reverse(TreePath.Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries)));
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            resolved.Add(part);
            var current = "/" + string.Join('/', resolved);
            var info = new FileInfo(MapPath(current));
            if (info.LinkTarget is not { } target)
            {
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return null;
            }
            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
            {
                resolved.Clear();
                // Tools run with --dkmstree/--root-style options record links that already include the root.
                if (!IsHostRoot && target.StartsWith(RootPath + "/", StringComparison.Ordinal))
                {
                    target = target[RootPath.Length..];
                }
            }
            foreach (var segment in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(segment);
            }
        }
        var result = "/" + string.Join('/', resolved);
        var mapped = MapPath(result);
        return File.Exists(mapped) || Directory.Exists(mapped) ? result : null;
    }

    public bool FileExists(string path) => ResolvePath(path) is { } p && File.Exists(MapPath(p));

    public bool DirectoryExists(string path) => ResolvePath(path) is { } p && Directory.Exists(MapPath(p));

    public bool IsSymbolicLink(string path) => new FileInfo(MapPath(path)).LinkTarget is not null;

    public string? ReadLink(string path) => new FileInfo(MapPath(path)).LinkTarget;

    public IReadOnlyList<string> ListDirectory(string path)
    {
        if (ResolvePath(path) is not { } resolved || !Directory.Exists(MapPath(resolved)))
        {
            return Array.Empty<string>();
        }
        var names = Directory.EnumerateFileSystemEntries(MapPath(resolved)).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
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

    private string MapResolved(string path) =>
        MapPath(ResolvePath(path) ?? throw new FileNotFoundException($"'{path}' does not exist under root '{RootPath}'.", MapPath(path)));
}
