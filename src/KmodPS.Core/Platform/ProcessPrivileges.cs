namespace KmodPS.Core.Platform;

/// <summary>Who this process runs as, from <c>/proc/self/status</c> (the effective uid, as the kernel checks it).</summary>
internal static class ProcessPrivileges
{
    /// <summary>The effective user id, or null when it cannot be read.</summary>
    public static int? EffectiveUserId()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 2 } && int.TryParse(fields[2], out var uid) ? uid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Null when this process may change <paramref name="root"/>; else why not. Root may change any root; another user
    /// only a root that is not the host's and whose top directory it may write (a test root it made).
    /// </summary>
    public static string? WhyCannotChange(ISystemRoot root)
    {
        if (EffectiveUserId() is 0 or null)
        {
            return null;
        }
        if (root.IsHostRoot)
        {
            return "Changing this host needs root: run the command as root (sudo).";
        }
        return LibC.access(root.RootPath, LibC.W_OK) == 0 ? null
            : $"This user cannot write {root.RootPath}: changing it needs root (sudo) or a root this user owns.";
    }
}
