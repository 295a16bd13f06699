namespace KmodPS.Locks;

/// <summary>
/// Replaces or deletes a file atomically: the new content goes to a temporary file in the same directory, is
/// flushed to disk (fsync), then renamed over the target, so readers see the old or the new file, never a mix.
/// The previous content is kept as a backup first. Renaming also never writes through a hard link.
/// </summary>
public static class AtomicFileWriter
{
    /// <param name="path">The real path on this machine (already mapped into the root).</param>
    /// <param name="backupPath">Where to keep the previous content (written atomically too); null for none.</param>
    public static void Write(string path, string content, string? backupPath)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        Directory.CreateDirectory(directory);
        UnixFileMode? mode = null;
        if (File.Exists(path))
        {
            mode = ModeOf(path);
            if (backupPath is not null)
            {
                WriteNew(backupPath, File.ReadAllBytes(path), mode);
            }
        }
        WriteNew(path, System.Text.Encoding.UTF8.GetBytes(content), mode);
    }

    /// <summary>Deletes a file after keeping its content as a backup.</summary>
    public static void Delete(string path, string? backupPath)
    {
        if (!File.Exists(path))
        {
            return;
        }
        if (backupPath is not null)
        {
            WriteNew(backupPath, File.ReadAllBytes(path), ModeOf(path));
        }
        File.Delete(path);
    }

    private static UnixFileMode? ModeOf(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);

    private static void WriteNew(string path, byte[] bytes, UnixFileMode? mode)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + ".kmodps-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
