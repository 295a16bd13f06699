namespace KmodPS.Core.Platform;

/// <summary>Helpers for absolute paths inside a system tree.</summary>
internal static class TreePath
{
    /// <summary>Makes a path absolute and collapses repeated separators; does not touch <c>..</c>.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Most paths are already normal; a scan normalizes hundreds of thousands of them.
        if (path == "/" || (path.Length > 1 && path[0] == '/' && path[^1] != '/' && !path.Contains("//", StringComparison.Ordinal)))
        {
            return path;
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', parts);
    }

    public static string Combine(string directory, string name) =>
        Normalize(directory).TrimEnd('/') + "/" + name.TrimStart('/');

    /// <summary>The directory that holds a path; null for the root itself.</summary>
    public static string? Parent(string path)
    {
        var normalized = Normalize(path);
        if (normalized == "/")
        {
            return null;
        }
        var slash = normalized.LastIndexOf('/');
        return slash == 0 ? "/" : normalized[..slash];
    }
}
