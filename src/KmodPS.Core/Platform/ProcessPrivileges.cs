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
}
