namespace KmodPS.Platform;

/// <summary>
/// Replaces or deletes files the safe way: the new content goes to a temporary file beside the target, is flushed to
/// disk (fsync), gets its mode, then is renamed over the target, so readers see the old or the new file, never a mix.
/// Renaming never writes through a hard link. A backup of the previous content is written the same way when asked for.
/// </summary>
public static class AtomicFile
{
    public const string BackupSuffix = ".kmodps.bak";

    private const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <param name="realPath">The file's path on this machine (map tree paths with <see cref="ISystemRoot.MapPath"/>).</param>
    /// <param name="keepBackup">Keep the current content as <c>&lt;file&gt;.kmodps.bak</c> first.</param>
    public static void Write(string realPath, byte[] content, bool keepBackup) =>
        Write(realPath, content, keepBackup ? realPath + BackupSuffix : null, mode: null);

    /// <param name="backupPath">Where to keep the previous content; null for no backup.</param>
    /// <param name="mode">The new file's mode; null keeps the current file's mode (0644 for a new file).</param>
    public static void Write(string realPath, byte[] content, string? backupPath, UnixFileMode? mode)
    {
        var current = File.Exists(realPath) ? File.GetUnixFileMode(realPath) : (UnixFileMode?)null;
        if (backupPath is not null && current is not null)
        {
            WriteNew(backupPath, File.ReadAllBytes(realPath), current.Value);
        }
        WriteNew(realPath, content, mode ?? current ?? DefaultMode);
    }

    /// <summary>Deletes a file after keeping its content as a backup (when <paramref name="backupPath"/> is given).</summary>
    public static void Delete(string realPath, string? backupPath)
    {
        if (!File.Exists(realPath))
        {
            return;
        }
        if (backupPath is not null)
        {
            WriteNew(backupPath, File.ReadAllBytes(realPath), File.GetUnixFileMode(realPath));
        }
        File.Delete(realPath);
    }

    private static void WriteNew(string path, byte[] content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(path) ?? "/";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.kmodps-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode);
            File.Move(temporary, path, overwrite: true);
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
