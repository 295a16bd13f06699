using System.Runtime.InteropServices;
using KmodPS.Core.Platform;
using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Modules;

/// <summary>
/// Opens module files for reading without ever blocking: a FIFO, device or socket in a module tree is named and
/// refused, never read. The file is opened with O_NONBLOCK (opening a FIFO then returns at once instead of waiting
/// for a writer) and its type checked with fstat on the open descriptor, so a file swapped after the check is caught too.
/// </summary>
internal static class RegularFile
{
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;   // 04000 on x86-64, arm64 and the other Linux ports .NET runs on
    private const int OCloExec = 0x80000;  // 02000000, idem
    private const int EAccess = 13;
    private const int ENoEntry = 2;
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;

    /// <exception cref="NotARegularFileException">The path is not a regular file (the message names its type).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Any other failure to open.</exception>
    public static SafeFileHandle OpenRead(string path)
    {
        var descriptor = open(path, ORdOnly | ONonBlock | OCloExec);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var message = $"{path}: {Marshal.GetPInvokeErrorMessage(errno)}";
            throw errno switch
            {
                EAccess => new UnauthorizedAccessException(message),
                ENoEntry => new FileNotFoundException(message, path),
                // A socket cannot be opened at all (ENXIO); name it from the path's own type.
                _ when Type(path) is { } type and not RegularType => NotRegular(type),
                _ => new IOException(message),
            };
        }
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        var status = new LibC.FileStatus();
        if (LibC.FStat(handle, out status) != 0 || (status.Mode & TypeMask) != RegularType)
        {
            handle.Dispose();
            throw NotRegular(status.Mode & TypeMask);
        }
        return handle;
    }

    private static int? Type(string path) => LibC.LStat(path, out var status) == 0 ? status.Mode & TypeMask : null;

    private static NotARegularFileException NotRegular(int type) => new("not a regular file (" + (type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"file type 0{Convert.ToString(type >> 12, 8)}",
    }) + "); not opened");

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}

/// <summary>A FIFO, device, socket or directory where a module file was expected; it was not opened.</summary>
internal sealed class NotARegularFileException(string message) : IOException(message);
