using System.Runtime.InteropServices;

namespace KmodPS.Core.Platform;

/// <summary>
/// The libc calls KmodPS makes on file descriptors (the jailed writer, the root change lock), declared once. .NET has no
/// API for openat2, *at calls or flock on a plain descriptor (FileStream takes its own flock on open).
/// </summary>
internal static class LibC
{
    // Most open flags are the same on x86_64 and arm64; O_DIRECTORY and O_NOFOLLOW are not.
    private static readonly bool s_arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public static readonly int O_DIRECTORY = s_arm ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = s_arm ? 0x8000 : 0x20000;
    public const int AT_REMOVEDIR = 0x200;
    public const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_IN_ROOT = 0x10;
    public const int EPERM = 1, ENOENT = 2, EACCES = 13, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40;

    // The same number on x86_64 and aarch64 (the generic syscall table); KmodPS runs on Linux only.
    private const long SYS_openat2 = 437;

    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    public static long openat2(int dirfd, string path, ref OpenHow how) => syscall_openat2(SYS_openat2, dirfd, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall_openat2(long number, int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);

    [DllImport("libc", SetLastError = true)]
    public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int openat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    public const int W_OK = 2;

    [DllImport("libc", SetLastError = true)]
    public static extern int access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int dup(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int flock(int fd, int operation);

    [DllImport("libc", SetLastError = true)]
    public static extern int ftruncate(int fd, long length);

    [DllImport("libc", SetLastError = true)]
    public static extern nint pread(int fd, byte[] buffer, nint count, long offset);

    [DllImport("libc", SetLastError = true)]
    public static extern nint pwrite(int fd, byte[] buffer, nint count, long offset);

    [DllImport("libc", SetLastError = true)]
    public static extern int renameat(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath);

    [DllImport("libc", SetLastError = true)]
    public static extern int unlinkat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int mkdirat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int rmdir([MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc", SetLastError = true)]
    public static extern int symlinkat([MarshalAs(UnmanagedType.LPUTF8Str)] string target, int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string linkpath);

    [DllImport("libc", SetLastError = true)]
    public static extern nint readlinkat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer, nint size);

    /// <summary>The file type bits of a <see cref="FileStatus.Mode"/>.</summary>
    public const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000;

    // The runtime's own stat shim: the same struct on every architecture, unlike libc's struct stat. Only the leading
    // fields are declared; the buffer is larger than any version's full struct.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    public static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    public static extern int FStat(Microsoft.Win32.SafeHandles.SafeFileHandle fd, out FileStatus output);
}
