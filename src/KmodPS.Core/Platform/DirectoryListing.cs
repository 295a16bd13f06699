using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace KmodPS.Core.Platform;

/// <summary>
/// The entries of a directory with their types as the directory itself records them (d_type): one getdents64 pass and
/// no stat per entry, so listing 100,000 kernel directories costs a few system calls, not 100,000. Where libc has no
/// getdents64 (glibc before 2.30), .NET's enumeration gives the same answer with a stat per entry.
/// </summary>
internal static class DirectoryListing
{
    private const byte TypeUnknown = 0, TypeDirectory = 4, TypeLink = 10;
    private static bool s_noGetdents;

    /// <exception cref="IOException">The directory cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static List<RootEntry> Read(string realDirectory)
    {
        if (!s_noGetdents)
        {
            try
            {
                return ReadDirect(realDirectory);
            }
            catch (EntryPointNotFoundException)
            {
                s_noGetdents = true;
            }
        }
        return new DirectoryInfo(realDirectory).EnumerateFileSystemInfos()
            .Select(i => new RootEntry(i.Name, i.Attributes.HasFlag(FileAttributes.ReparsePoint) ? RootEntryKind.Link
                : i is DirectoryInfo ? RootEntryKind.Directory : RootEntryKind.File))
            .ToList();
    }

    private static List<RootEntry> ReadDirect(string realDirectory)
    {
        var descriptor = LibC.open(realDirectory, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (descriptor < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), realDirectory);
        }
        // Pooled: a scan lists 100,000 directories, and a fresh 32 KiB each keeps the collector busy.
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            var entries = new List<RootEntry>();
            while (true)
            {
                var length = getdents64(descriptor, buffer, buffer.Length);
                if (length < 0)
                {
                    throw Error(Marshal.GetLastPInvokeError(), realDirectory);
                }
                if (length == 0)
                {
                    return entries;
                }
                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated); the
                // same layout on every architecture.
                for (var offset = 0; offset < length;)
                {
                    var record = buffer.AsSpan(offset);
                    var recordLength = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(record[16..]) : BinaryPrimitives.ReadUInt16BigEndian(record[16..]);
                    var type = record[18];
                    var nameBytes = record[19..recordLength];
                    var name = Encoding.UTF8.GetString(nameBytes[..nameBytes.IndexOf((byte)0)]);
                    offset += recordLength;
                    if (name is "." or "..")
                    {
                        continue;
                    }
                    entries.Add(new RootEntry(name, type switch
                    {
                        TypeDirectory => RootEntryKind.Directory,
                        TypeLink => RootEntryKind.Link,
                        TypeUnknown => KindOf(Path.Combine(realDirectory, name)),
                        _ => RootEntryKind.File,
                    }));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            LibC.close(descriptor);
        }
    }

    // A file system that does not record types in its directories: lstat, as .NET's enumeration does.
    private static RootEntryKind KindOf(string path) =>
        LibC.LStat(path, out var status) != 0 ? RootEntryKind.File
        : (status.Mode & LibC.S_IFMT) switch { LibC.S_IFDIR => RootEntryKind.Directory, LibC.S_IFLNK => RootEntryKind.Link, _ => RootEntryKind.File };

    private static Exception Error(int errno, string path) => errno switch
    {
        LibC.EACCES or LibC.EPERM => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        LibC.ENOENT => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno),
    };

    [DllImport("libc", SetLastError = true)]
    private static extern nint getdents64(int fd, byte[] buffer, nint count);
}
