using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// dnf 4's process locks (<c>*_lock.pid</c> in the cache and persist directories of the root): a pid file naming a
/// live process means another dnf is running. Checked before KmodPS edits a dnf lock file directly.
/// </summary>
public static class DnfProcessLock
{
    private static readonly string[] PidFiles =
    {
        "/var/cache/dnf/metadata_lock.pid", "/var/cache/dnf/download_lock.pid", "/var/lib/dnf/rpmdb_lock.pid", "/var/log/log_lock.pid",
    };

    /// <summary>The pid of a live process holding one of dnf's locks under the root, or null.</summary>
    public static int? Holder(ISystemRoot root)
    {
        foreach (var file in PidFiles.Where(root.FileExists))
        {
            string text;
            try
            {
                text = root.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (int.TryParse(text, out var pid) && pid > 0 && pid != Environment.ProcessId && Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
        return null;
    }
}
