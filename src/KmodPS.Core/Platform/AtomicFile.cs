namespace KmodPS.Platform;

/// <summary>Replaces files the safe way: write a temporary file beside it, fsync, rename over; keep a backup.</summary>
public static class AtomicFile
{
    public const string BackupSuffix = ".kmodps.bak";

    /// <param name="realPath">The file's path on this machine (map tree paths with <see cref="ISystemRoot.MapPath"/>).</param>
    /// <param name="keepBackup">Copy the current file to <c>&lt;file&gt;.kmodps.bak</c> first.</param>
    public static void Write(string realPath, byte[] content, bool keepBackup)
    {
        var directory = Path.GetDirectoryName(realPath) ?? "/";
        if (keepBackup && File.Exists(realPath))
        {
            File.Copy(realPath, realPath + BackupSuffix, overwrite: true);
        }
        var temporary = Path.Combine(directory, $".{Path.GetFileName(realPath)}.kmodps-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(realPath))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(realPath));
            }
            File.Move(temporary, realPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
