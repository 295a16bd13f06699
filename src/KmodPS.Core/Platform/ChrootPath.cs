using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace KmodPS.Core.Platform;

/// <summary>
/// Resolves a path inside a root the way a chroot would: absolute link targets start again at the root and <c>..</c>
/// stops at it. Reads (<see cref="DirectorySystemRoot"/>) and writes (<see cref="RootJail"/>) share it, so a file is
/// written where it is read.
/// </summary>
internal static class ChrootPath
{
    /// <summary>The links one resolution follows before it counts as a loop (the kernel's own limit).</summary>
    public const int MaxLinkHops = 40;

    /// <summary>
    /// The link-free tree path <paramref name="path"/> leads to. Missing components are kept as written, so a file
    /// that does not exist yet resolves to where it would be created. Null when the links loop.
    /// </summary>
    /// <param name="directories">
    /// Resolutions of directories already made, by the directory as written (<see cref="DirectorySystemRoot.ForOneRead"/>):
    /// a path's directory is then resolved once, and only its last component is looked at. Resolving a path is resolving
    /// its directory, then the name in that resolved directory, so the result is the same.
    /// </param>
    public static string? Resolve(string rootPath, string path, Dictionary<string, (string? Resolved, int Hops)>? directories = null) =>
        ResolveNormalized(rootPath, TreePath.Normalize(path), directories).Resolved;

    /// <summary>As <see cref="Resolve"/>, with the links followed on the way (what a directory's entry in <c>directories</c> holds).</summary>
    public static (string? Resolved, int Hops) ResolveCounting(string rootPath, string normalizedPath, Dictionary<string, (string? Resolved, int Hops)>? directories) =>
        ResolveNormalized(rootPath, normalizedPath, directories);

    private static (string? Resolved, int Hops) ResolveNormalized(string rootPath, string normalized, Dictionary<string, (string? Resolved, int Hops)>? directories)
    {
        if (directories is null || normalized == "/")
        {
            return Walk(rootPath, "/", 0, normalized);
        }
        if (directories.TryGetValue(normalized, out var known))
        {
            return known;
        }
        var slash = normalized.LastIndexOf('/');
        var directory = slash == 0 ? "/" : normalized[..slash];
        if (!directories.TryGetValue(directory, out var start))
        {
            start = directories[directory] = ResolveNormalized(rootPath, directory, directories);
        }
        return start.Resolved is null ? start : Walk(rootPath, start.Resolved, start.Hops, normalized[(slash + 1)..]);
    }

    // Walks the components of a relative path from a link-free directory, following links as a chroot would; the hops
    // already taken to reach that directory count toward the limit, as in one walk of the whole path.
    private static (string? Resolved, int Hops) Walk(string rootPath, string from, int hops, string path)
    {
        var isHostRoot = rootPath == "/";
        var pending = new Stack<string>(Enumerable.Reverse(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
        // The real path of the components resolved so far, grown and cut in place (a scan resolves many thousands of paths).
        var real = new StringBuilder(isHostRoot ? string.Empty : rootPath);
        var ends = new List<int>();
        foreach (var part in from.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            real.Append('/').Append(part);
            ends.Add(real.Length);
        }
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (ends.Count > 0)
                {
                    ends.RemoveAt(ends.Count - 1);
                    real.Length = ends.Count > 0 ? ends[^1] : (isHostRoot ? 0 : rootPath.Length);
                }
                continue;
            }
            var before = real.Length;
            real.Append('/').Append(part);
            if (LinkTarget(real.ToString()) is not { } target)
            {
                ends.Add(real.Length);
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return (null, hops);
            }
            real.Length = before;
            if (target.StartsWith('/'))
            {
                ends.Clear();
                real.Length = isHostRoot ? 0 : rootPath.Length;
                target = AbsoluteTargetInRoot(rootPath, target);
            }
            foreach (var segment in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(segment);
            }
        }
        var start = isHostRoot ? 0 : rootPath.Length;
        return (real.Length == start ? "/" : real.ToString(start, real.Length - start), hops);
    }

    /// <summary>
    /// An absolute link target as a tree path: tools run with --dkmstree/--root-style options record links that already
    /// include the root.
    /// </summary>
    public static string AbsoluteTargetInRoot(string rootPath, string target) =>
        rootPath != "/" && target.StartsWith(rootPath + "/", StringComparison.Ordinal) ? target[rootPath.Length..] : target;

    /// <summary>The real path of a tree path, without following links.</summary>
    public static string Map(string rootPath, string treePath)
    {
        var normalized = TreePath.Normalize(treePath);
        return rootPath == "/" ? normalized : rootPath + (normalized == "/" ? string.Empty : normalized);
    }

    // readlink(2) itself: "not a link" and "not there" are answers, not exceptions, and most components are neither.
    private static string? LinkTarget(string realPath)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = readlink(realPath, buffer, buffer.Length);
            if (length >= 0)
            {
                return length < buffer.Length ? Encoding.UTF8.GetString(buffer, 0, (int)length) : new FileInfo(realPath).LinkTarget;
            }
            var errno = Marshal.GetLastPInvokeError();
            // As FileInfo.LinkTarget: a permission error is one; anything else (EINVAL: not a link, ENOENT, ENOTDIR) is no link.
            return errno is LibC.EACCES or LibC.EPERM ? throw new UnauthorizedAccessException($"Access to the path '{realPath}' is denied.") : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint readlink([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer, nint size);
}
