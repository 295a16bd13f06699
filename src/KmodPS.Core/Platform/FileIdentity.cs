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
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The identity of an open file, or null when statx is not available.</summary>
    public static FileIdentity? Of(SafeFileHandle handle)
    {
        // struct statx has one layout on every architecture (unlike struct stat).
        var buffer = new byte[256];
        if (statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxBasicStats, buffer) != 0)
        {
            return null;
        }
        var device = ((ulong)Read32(buffer.AsSpan(136)) << 32) | Read32(buffer.AsSpan(140));
        return new FileIdentity(device, Read64(buffer.AsSpan(32)), Read64(buffer.AsSpan(40)), (long)Read64(buffer.AsSpan(96)), Read32(buffer.AsSpan(104)));
    }

    private static ulong Read64(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(data) : BinaryPrimitives.ReadUInt64BigEndian(data);

    private static uint Read32(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
