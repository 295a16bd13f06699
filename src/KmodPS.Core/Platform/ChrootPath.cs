namespace KmodPS.Core.Platform;

/// <summary>
/// Resolves a path inside a root the way a chroot would: absolute link targets start again at the root and <c>..</c>
/// stops at it. Reads (<see cref="DirectorySystemRoot"/>) and writes (<see cref="RootJail"/>) share it, so a file is
/// written where it is read.
/// </summary>
internal static class ChrootPath
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The link-free tree path <paramref name="path"/> leads to. Missing components are kept as written, so a file
    /// that does not exist yet resolves to where it would be created. Null when the links loop.
    /// </summary>
    public static string? Resolve(string rootPath, string path)
    {
        var isHostRoot = rootPath == "/";
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
            if (LinkTarget(Map(rootPath, "/" + string.Join('/', resolved))) is not { } target)
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
                if (!isHostRoot && target.StartsWith(rootPath + "/", StringComparison.Ordinal))
                {
                    target = target[rootPath.Length..];
                }
            }
            foreach (var segment in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(segment);
            }
        }
        return "/" + string.Join('/', resolved);
    }

    /// <summary>The real path of a tree path, without following links.</summary>
    public static string Map(string rootPath, string treePath)
    {
        var normalized = TreePath.Normalize(treePath);
        return rootPath == "/" ? normalized : rootPath + (normalized == "/" ? string.Empty : normalized);
    }

    private static string? LinkTarget(string realPath)
    {
        try
        {
            return new FileInfo(realPath).LinkTarget;
        }
        catch (IOException)
        {
            // A component below a regular file (ENOTDIR): nothing to follow, the path simply does not exist.
            return null;
        }
    }
}
