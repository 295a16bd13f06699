using System.Globalization;
using System.Text.RegularExpressions;

namespace KmodPS.Core.Platform;

/// <summary>
/// KmodPS's private directories under the host's temporary directory: <c>/tmp/kmodps-&lt;pid&gt;.&lt;start&gt;-&lt;random&gt;</c>.
/// </summary>
/// <remarks>
/// A killed process runs no cleanup, and the commands that need these files (dnf with a plugin configuration, rpm with
/// a private HOME) need a path, so no placement avoids a leftover. Instead each name carries its owner's pid and start
/// time (<c>/proc/&lt;pid&gt;/stat</c> field 22, so a reused pid is not mistaken for the owner), and every change
/// reclaims the directories of owners that are gone before it creates its own.
/// </remarks>
internal static partial class TemporaryDirectories
{
    private const string Prefix = "kmodps-";

    /// <summary>This process as KmodPS's temporary names carry it: <c>&lt;pid&gt;.&lt;start&gt;</c>.</summary>
    internal static string OwnerTag => $"{Environment.ProcessId}.{StartTime(Environment.ProcessId)}";

    /// <summary>A new, not yet created, directory path owned by this process.</summary>
    public static string NewPath() =>
        Path.Combine(Path.GetTempPath(), $"{Prefix}{OwnerTag}-{Guid.NewGuid().ToString("N")[..12]}");

    /// <summary>Whether the owner named by a tag's pid and start time has exited (a reused pid has another start time).</summary>
    internal static bool IsGone(string pid, string start) =>
        int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && StartTime(id) != start;

    /// <summary>Creates a new directory only the owner can enter (mode 0700).</summary>
    public static DirectoryInfo Create()
    {
        ReclaimAbandoned();
        var path = NewPath();
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Deletes a directory of this process when it is done with it; what cannot be deleted now is reclaimed once the process has exited.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ReclaimAbandoned removes it once this process has exited.
        }
    }

    /// <summary>Deletes the KmodPS temporary directories whose owning process has exited; returns how many.</summary>
    public static int ReclaimAbandoned()
    {
        var reclaimed = 0;
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var directory in candidates)
        {
            var match = OwnedName().Match(Path.GetFileName(directory));
            if (!match.Success || !IsGone(match.Groups[1].Value, match.Groups[2].Value))
            {
                continue;
            }
            try
            {
                // Never follow a link planted in /tmp: only a real directory is removed.
                if (new DirectoryInfo(directory).LinkTarget is null)
                {
                    Directory.Delete(directory, recursive: true);
                    reclaimed++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another KmodPS reclaimed it first, or it is not ours to delete.
            }
        }
        return reclaimed;
    }

    // The process's start time in clock ticks since boot; "gone" when the process does not exist.
    private static string StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return "gone";
        }
    }

    [GeneratedRegex(@"^kmodps-(\d+)\.(\d+)-[0-9a-f]+$")]
    private static partial Regex OwnedName();
}
