using KmodPS.Core.Platform;

namespace KmodPS.Core.Modules;

/// <summary>
/// Reads /proc/modules (<c>name size refcount deps state address [taint]</c>; taint <c>O</c> marks out-of-tree)
/// and /sys/module/&lt;name&gt;/srcversion. Only the host's own root has a running kernel.
/// </summary>
internal static class LoadedModuleReader
{
    public static IReadOnlyDictionary<string, LoadedModule> Read(ISystemRoot root)
    {
        var loaded = new Dictionary<string, LoadedModule>(StringComparer.Ordinal);
        if (!root.IsHostRoot || !root.FileExists("/proc/modules"))
        {
            return loaded;
        }
        string text;
        try
        {
            text = root.ReadAllText("/proc/modules");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return loaded;
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            var taint = fields.Length > 6 && fields[6].StartsWith('(') ? fields[6] : string.Empty;
            loaded[fields[0]] = new LoadedModule(fields[0], taint.Contains('O'), ReadSrcVersion(root, fields[0]));
        }
        return loaded;
    }

    private static string? ReadSrcVersion(ISystemRoot root, string name)
    {
        var path = $"/sys/module/{name}/srcversion";
        try
        {
            return root.FileExists(path) ? root.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
