using KmodPS.Core.Modules;
using KmodPS.Core.Platform;
using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Dkms;

/// <summary>
/// dkms status's own check (module_status_built_extra runs <c>diff -q</c>): an installed module file is the build dkms
/// recorded only when their bytes are equal. Anything else is its "WARNING! Diff between built and installed module!".
/// </summary>
public static class BuiltModuleComparer
{
    /// <summary>False only when both files are readable and differ; a file that cannot be read (missing, not a regular file) proves nothing.</summary>
    public static bool SameBytes(ISystemRoot root, string built, string installed)
    {
        try
        {
            var builtFile = RealPath(root, built);
            var installedFile = RealPath(root, installed);
            // Looked at before opened: one file under two names (a hard link) is the same bytes, different sizes are not.
            if (FileIdentity.OfRegularFile(builtFile) is { } left && FileIdentity.OfRegularFile(installedFile) is { } right)
            {
                if (left == right)
                {
                    return true;
                }
                if (left.Size != right.Size)
                {
                    return false;
                }
            }
            using var a = RegularFile.OpenRead(builtFile);
            using var b = RegularFile.OpenRead(installedFile);
            if (RandomAccess.GetLength(a) != RandomAccess.GetLength(b))
            {
                return false;
            }
            var leftBytes = new byte[81920];
            var rightBytes = new byte[81920];
            for (long offset = 0; ;)
            {
                var read = RandomAccess.Read(a, leftBytes, offset);
                if (read == 0)
                {
                    return true;
                }
                if (!ReadExactly(b, rightBytes.AsSpan(0, read), offset) || !leftBytes.AsSpan(0, read).SequenceEqual(rightBytes.AsSpan(0, read)))
                {
                    return false;
                }
                offset += read;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    // Opened as regular files only, never blocking: a FIFO in a module tree is not a module and proves nothing.
    private static string RealPath(ISystemRoot root, string path) => root.MapPath(root.ResolvePath(path) ?? throw new FileNotFoundException(path));

    private static bool ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                return false;
            }
            buffer = buffer[read..];
            offset += read;
        }
        return true;
    }
}
