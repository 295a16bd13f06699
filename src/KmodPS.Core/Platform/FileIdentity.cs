using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Platform;

/// <summary>
/// Which file an open descriptor is, and which version of it: device, inode, size and change time (statx). Two equal
/// identities are the same bytes (a hard link, or the same file read twice), so what was read from one holds for the other.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, ulong Size, long ChangeSeconds, uint ChangeNanoseconds)
{
    private const int AtCurrentDirectory = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The identity of an open file, or null when statx is not available.</summary>
    public static FileIdentity? Of(SafeFileHandle handle) => Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, regularOnly: false);

    /// <summary>
    /// The identity of the regular file a real path names (links followed), looked at without opening it; null when it is
    /// not a regular file, cannot be looked at, or statx is not available.
    /// </summary>
    public static FileIdentity? OfRegularFile(string realPath) => Statx(AtCurrentDirectory, realPath, 0, regularOnly: true);

    private static FileIdentity? Statx(int directory, string path, int flags, bool regularOnly)
    {
        // struct statx has one layout on every architecture (unlike struct stat), in the machine's byte order.
        var buffer = new byte[256];
        if (statx(directory, path, flags, StatxBasicStats, buffer) != 0
            || regularOnly && (Read16(buffer.AsSpan(28)) & LibC.S_IFMT) != LibC.S_IFREG)
        {
            return null;
        }
        var device = ((ulong)Read32(buffer.AsSpan(136)) << 32) | Read32(buffer.AsSpan(140));
        return new FileIdentity(device, Read64(buffer.AsSpan(32)), Read64(buffer.AsSpan(40)), (long)Read64(buffer.AsSpan(96)), Read32(buffer.AsSpan(104)));
    }

    private static ulong Read64(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(data) : BinaryPrimitives.ReadUInt64BigEndian(data);

    private static uint Read32(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);

    private static int Read16(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
