namespace KmodPS.Guard;

/// <summary>
/// Writes the guard's own files atomically with their final mode: temporary file beside the target, fsync, chmod,
/// rename over. A hook is therefore never seen half-written or without its execute bit. The files are generated
/// data (regenerated from options), so no backup copy is kept beside them: a <c>.bak</c> in a hook directory
/// would be one more file for the uninstall to account for.
/// </summary>
public static class GuardFileWriter
{
    public static void Write(string realPath, string content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(realPath) ?? "/";
        var temporary = Path.Combine(directory, $".{Path.GetFileName(realPath)}.kmodps-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode);
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
