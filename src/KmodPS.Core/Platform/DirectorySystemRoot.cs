using System.Runtime.InteropServices;

namespace KmodPS.Core.Platform;

/// <summary>An <see cref="ISystemRoot"/> backed by a directory of this machine.</summary>
public sealed class DirectorySystemRoot : ISystemRoot
{
    // Directory resolutions remembered by a view made for one read (ForOneRead); null for an ordinary root.
    private readonly Dictionary<string, (string? Resolved, int Hops)>? _directories;

    // What that view's listings showed: the entries that are not links, by path as written, with where they resolve;
    // and each listing, by directory as written (a name it lacks is not there).
    private readonly Dictionary<string, (string Resolved, bool IsDirectory)>? _listed;
    private readonly Dictionary<string, IReadOnlyList<RootEntry>>? _listings;

    // Directories above paths that were not found: whether each is a directory (false: nothing is below it).
    private readonly Dictionary<string, bool>? _ancestors;

    // Paths this view found nothing at: nothing is below them either.
    private readonly HashSet<string>? _missing;

    // Look-ups this view makes inside one another (a directory before its name, a link's target): beyond a few dozen it
    // walks instead, so a hostile root's link targets of thousands of components cannot exhaust the stack.
    private const int MaxNesting = 64;
    private int _nesting;

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
        _listings = new Dictionary<string, IReadOnlyList<RootEntry>>(StringComparer.Ordinal);
        _ancestors = new Dictionary<string, bool>(StringComparer.Ordinal);
        _missing = new HashSet<string>(StringComparer.Ordinal);
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

    public string? ReadLink(string path)
    {
        var normalized = TreePath.Normalize(path);
        if (_listed is not null)
        {
            if (IsUnlisted(normalized))
            {
                return null;
            }
            // Looked up through this view first: a name that is not a link is then listed (one lstat, remembered).
            Locate(normalized);
            if (_listed.ContainsKey(normalized))
            {
                return null;
            }
        }
        return InResolvedDirectory(normalized) is { } inDirectory ? new FileInfo(MapPath(inDirectory)).LinkTarget : null;
    }

    public IReadOnlyList<string> ListDirectory(string path) => ListEntries(path).Select(e => e.Name).ToList();

    public IReadOnlyList<RootEntry> ListEntries(string path)
    {
        if (_listings is not null && _listings.TryGetValue(TreePath.Normalize(path), out var listing))
        {
            return listing;
        }
        if (Locate(path) is not { IsDirectory: true, Path: var resolved, Hops: var hops })
        {
            return Array.Empty<RootEntry>();
        }
        var entries = DirectoryListing.Read(MapPath(resolved));
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (_listed is not null)
        {
            _listings![TreePath.Normalize(path)] = entries;
            var written = TreePath.Normalize(path).TrimEnd('/');
            var resolvedPrefix = resolved == "/" ? string.Empty : resolved;
            foreach (var entry in entries.Where(e => e.Kind != RootEntryKind.Link))
            {
                // One string for both when the directory resolved to itself (the usual case): 100,000 entries are kept.
                var key = written + "/" + entry.Name;
                var child = resolvedPrefix == written ? key : resolvedPrefix + "/" + entry.Name;
                _listed[key] = (child, entry.Kind == RootEntryKind.Directory);
                if (entry.Kind == RootEntryKind.Directory)
                {
                    _directories![key] = (child, hops);
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
    private (string Path, bool IsDirectory, int Hops)? Locate(string path, int linksFollowed = 0)
    {
        var normalized = TreePath.Normalize(path);
        if (_listed is not null && _listed.TryGetValue(normalized, out var listed))
        {
            return (listed.Resolved, listed.IsDirectory, _directories!.GetValueOrDefault(normalized).Hops);
        }
        if (_missing is not null && _missing.Contains(normalized) || IsUnlisted(normalized) || UnderMissingDirectory(normalized))
        {
            return null;
        }
        if (TryLocateInResolvedDirectory(normalized, linksFollowed, out var found))
        {
            if (found is null)
            {
                NoteMissing(normalized);
            }
            return found;
        }
        var (resolved, hops) = ChrootPath.ResolveCounting(RootPath, normalized, _directories);
        if (resolved is null || LibC.Stat(MapPath(resolved), out var status) != 0)
        {
            NoteMissingAncestors(normalized);
            NoteMissing(normalized);
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

    // A name in a directory this view has resolved (looking that directory up first), answered by one lstat instead of a
    // walk (readlink) and a stat: a scan looks up a name in each of 100,000 kernel directories, and 10,000 DKMS builds.
    // What it finds is remembered as a listing would have it. False when that cannot answer: a view for more than one
    // read, a name to follow as a link, or an error the walk raises (a permission).
    private bool TryLocateInResolvedDirectory(string normalized, int linksFollowed, out (string Path, bool IsDirectory, int Hops)? found)
    {
        found = null;
        var slash = normalized.LastIndexOf('/');
        var name = normalized[(slash + 1)..];
        if (_listed is null || slash <= 0 || name is "." or ".." || _nesting >= MaxNesting || normalized.Contains("/.", StringComparison.Ordinal))
        {
            return false;
        }
        var parent = normalized[..slash];
        if (!_directories!.TryGetValue(parent, out var directory) || directory.Resolved is null)
        {
            if (Nested(() => Locate(parent, linksFollowed)) is not { IsDirectory: true } located)
            {
                return true;
            }
            directory = (located.Path, located.Hops);
        }
        var resolved = TreePath.Combine(directory.Resolved, name);
        if (LibC.LStat(MapPath(resolved), out var status) != 0)
        {
            return Marshal.GetLastPInvokeError() is LibC.ENOENT or LibC.ENOTDIR;
        }
        var type = status.Mode & LibC.S_IFMT;
        if (type == LibC.S_IFLNK)
        {
            return TryFollow(normalized, directory.Resolved, resolved, linksFollowed, out found);
        }
        _listed[normalized] = (resolved, type == LibC.S_IFDIR);
        if (type == LibC.S_IFDIR)
        {
            _directories[normalized] = (resolved, directory.Hops);
        }
        found = (resolved, type == LibC.S_IFDIR, directory.Hops);
        return true;
    }

    // A link in a resolved directory, followed through this view: its target is looked up as a path, so what the view
    // already knows of it (a DKMS kernel-<k>-<arch> link leads into directories it listed) costs no system call. More
    // links on the way than a walk follows are a loop: nothing is there.
    private bool TryFollow(string normalized, string resolvedDirectory, string resolvedLink, int linksFollowed, out (string Path, bool IsDirectory, int Hops)? found)
    {
        found = null;
        if (linksFollowed >= ChrootPath.MaxLinkHops || new FileInfo(MapPath(resolvedLink)).LinkTarget is not { Length: > 0 } target)
        {
            return true;
        }
        var next = target.StartsWith('/') ? ChrootPath.AbsoluteTargetInRoot(RootPath, target) : TreePath.Combine(resolvedDirectory, target);
        if (Nested(() => Locate(next, linksFollowed + 1)) is { } via && via.Hops < ChrootPath.MaxLinkHops)
        {
            found = via with { Hops = via.Hops + 1 };
            if (via.IsDirectory)
            {
                _directories![normalized] = (via.Path, via.Hops + 1);
            }
        }
        return true;
    }

    private (string Path, bool IsDirectory, int Hops)? Nested(Func<(string Path, bool IsDirectory, int Hops)?> lookUp)
    {
        _nesting++;
        try
        {
            return lookUp();
        }
        finally
        {
            _nesting--;
        }
    }

    // True when this view found that a directory above the path is not there (or is not a directory): nothing is below it.
    private bool UnderMissingDirectory(string normalized)
    {
        if (_ancestors is null || _ancestors.Count == 0 && _missing!.Count == 0 || normalized.Contains("/.", StringComparison.Ordinal))
        {
            return false;
        }
        // A directory resolved by this view is there (or one lstat says it is not): no ancestor to look through.
        var parent = normalized.LastIndexOf('/');
        if (parent > 0 && _directories!.ContainsKey(normalized[..parent]))
        {
            return false;
        }
        for (var slash = normalized.IndexOf('/', 1); slash > 0; slash = normalized.IndexOf('/', slash + 1))
        {
            var ancestor = normalized[..slash];
            if (_missing!.Contains(ancestor) || _ancestors.TryGetValue(ancestor, out var isDirectory) && !isDirectory)
            {
                return true;
            }
        }
        return false;
    }

    // After a path was not found: which of its ancestors are directories, down to the first that is not.
    private void NoteMissingAncestors(string normalized)
    {
        if (_ancestors is null || normalized.Contains("/.", StringComparison.Ordinal))
        {
            return;
        }
        for (var slash = normalized.IndexOf('/', 1); slash > 0; slash = normalized.IndexOf('/', slash + 1))
        {
            var ancestor = normalized[..slash];
            if (!_ancestors.TryGetValue(ancestor, out var isDirectory))
            {
                isDirectory = _ancestors[ancestor] = Locate(ancestor) is { IsDirectory: true };
            }
            if (!isDirectory)
            {
                return;
            }
        }
    }

    // Nothing is at the path, so nothing is below it: the next look-up of it, or below it (three certificate paths per
    // kernel under a headers tree that is not there), ends without a system call.
    private void NoteMissing(string normalized)
    {
        if (_missing is not null && !normalized.Contains("/.", StringComparison.Ordinal))
        {
            _missing.Add(normalized);
        }
    }

    // True when this view listed the path's directory and the name was not in it: nothing is there.
    private bool IsUnlisted(string normalized)
    {
        var slash = normalized.LastIndexOf('/');
        var name = normalized[(slash + 1)..];
        return _listings is not null && name is not ("" or "." or "..")
            && _listings.TryGetValue(slash == 0 ? "/" : normalized[..slash], out var listing)
            && !Contains(listing, name);
    }

    // The listing is sorted ordinally.
    private static bool Contains(IReadOnlyList<RootEntry> listing, string name)
    {
        int low = 0, high = listing.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(listing[middle].Name, name);
            if (order == 0)
            {
                return true;
            }
            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return false;
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
