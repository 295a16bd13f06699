using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Platform;

/// <summary>
/// The one writer for files under a system root. A path is first resolved with chroot semantics
/// (<see cref="ChrootPath"/>: absolute links start at the root, <c>..</c> stops there), so it always names a place
/// inside the root. The parent directory of that link-free path is then opened by the kernel with openat2(2)
/// <c>RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS</c> (or, without openat2, component by component
/// with <c>O_NOFOLLOW</c>), and every change is made relative to that directory descriptor: a temporary file created
/// with <c>O_CREAT | O_EXCL | O_NOFOLLOW</c>, written, fsynced and given its mode, then renameat over the name;
/// unlinkat, mkdirat and symlinkat likewise. A link swapped into the path after it was resolved, or a /proc magic
/// link, makes the open fail: that is a <see cref="PathOutsideRootException"/> and nothing is changed.
/// Mount points inside the root are crossed (a separate /boot is normal), so no <c>RESOLVE_NO_XDEV</c>.
/// </summary>
public sealed partial class RootJail
{
    public const string BackupSuffix = ".kmodps.bak";

    private const string TemporarySuffix = ".kmodps-";

    /// <summary>
    /// True for the name of a temporary file a write of <paramref name="name"/> leaves beside it when the process is
    /// killed before its rename (<c>.name.kmodps-&lt;pid&gt;.&lt;start&gt;-&lt;guid&gt;.tmp</c>): KmodPS's own, safe to delete.
    /// </summary>
    public static bool IsLeftoverOf(string candidate, string name) =>
        candidate.StartsWith("." + name + TemporarySuffix, StringComparison.Ordinal) && candidate.Length > name.Length + 1
        && TemporaryName().IsMatch(candidate);

    private const UnixFileMode DefaultFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DefaultDirectoryMode = DefaultFileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static bool s_openat2Missing;

    public RootJail(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        var full = Path.GetFullPath(rootPath);
        RootPath = full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>The running host's own root: the same writer, with nothing above the root to escape to.</summary>
    public static RootJail Host { get; } = new("/");

    public static RootJail For(ISystemRoot root) => root.IsHostRoot ? Host : new RootJail(root.RootPath);

    public string RootPath { get; }

    /// <summary>Test seam: runs after a path is resolved and before the kernel opens it (to swap a link in deterministically).</summary>
    internal Action<string>? AfterResolve { get; set; }

    /// <summary>Forces the userspace walk instead of openat2 (tests of the fallback).</summary>
    internal bool WithoutOpenat2 { get; set; }

    /// <summary>The link-free tree path a tree path leads to inside the root (chroot semantics); it need not exist yet.</summary>
    /// <exception cref="PathOutsideRootException">The links loop inside the root: there is no place inside it to write
    /// (and a tool following them as host paths, like <c>grubenv -> /boot/grub2/grubenv</c>, would leave the root).</exception>
    public string Resolve(string treePath) =>
        ChrootPath.Resolve(RootPath, treePath) ?? throw new PathOutsideRootException(RootPath, treePath, "its symbolic links loop inside the root, so it names no place inside it");

    /// <summary>
    /// The real path to hand to a tool that takes a file or directory path: resolved inside the root with no link left
    /// in it (checked by opening its parent through the jail), so the tool cannot follow a link out.
    /// </summary>
    public string ToolPath(string treePath)
    {
        var resolved = Resolve(treePath);
        var (parent, _) = Split(resolved);
        if (ChrootPath.Map(RootPath, parent) is var realParent && Directory.Exists(realParent))
        {
            using var _ = OpenDirectory(parent, treePath);
        }
        return ChrootPath.Map(RootPath, resolved);
    }

    /// <summary>
    /// Refuses when a tool that takes the root as a prefix (<c>dpkg --root</c>, <c>apt-get -o Dir=</c>,
    /// <c>dnf --installroot</c>) would reach one of these directories somewhere else than a chroot would: such a tool
    /// follows the root's links as host paths.
    /// </summary>
    /// <exception cref="PathOutsideRootException">A link in one of the paths leads elsewhere for the tool.</exception>
    public void RequireSameForPrefixTools(params string[] treePaths)
    {
        if (RootPath == "/")
        {
            return;
        }
        var hostRoot = ChrootPath.Resolve("/", RootPath) ?? RootPath;
        foreach (var treePath in treePaths)
        {
            var inRoot = ChrootPath.Resolve(RootPath, treePath);
            var asTool = ChrootPath.Resolve("/", RootPath + TreePath.Normalize(treePath));
            if (inRoot is null || asTool != ChrootPath.Map(hostRoot, inRoot))
            {
                throw new PathOutsideRootException(RootPath, treePath,
                    $"{ChrootPath.Map(RootPath, treePath)} leads to {asTool ?? "a link loop"} for a tool given the root as a prefix, not to {inRoot ?? "a place"} inside the root");
            }
        }
    }

    /// <summary>The content of a file (links followed inside the root), or null when there is none.</summary>
    public byte[]? ReadOrNull(string treePath) => ReadCurrent(Resolve(treePath), treePath)?.Content;

    /// <summary>A file's content and mode (links followed inside the root), or null when there is none: what a restore puts back.</summary>
    public (byte[] Content, UnixFileMode Mode)? ReadWithModeOrNull(string treePath) => ReadCurrent(Resolve(treePath), treePath);

    /// <summary>
    /// Replaces a file atomically (temporary file, fsync, mode, rename), creating missing directories; with
    /// <paramref name="backupPath"/>, the previous content is kept there first (written the same way).
    /// </summary>
    /// <param name="mode">The new file's mode; null keeps the current file's mode (0644 for a new file).</param>
    public void WriteFile(string treePath, ReadOnlySpan<byte> content, UnixFileMode? mode = null, string? backupPath = null)
    {
        var target = Resolve(treePath);
        var (parent, name) = Split(target);
        CreateDirectory(parent);
        AfterResolve?.Invoke(target);
        using var directory = OpenDirectory(parent, treePath);
        var current = ReadAt(directory, name, treePath);
        if (backupPath is not null && current is not null)
        {
            WriteFile(backupPath, current.Value.Content, current.Value.Mode);
        }
        WriteAt(directory, name, content, mode ?? current?.Mode ?? DefaultFileMode, treePath);
    }

    /// <summary>Deletes a file (links followed inside the root), keeping its content at <paramref name="backupPath"/> first when given.</summary>
    public void DeleteFile(string treePath, string? backupPath = null)
    {
        var target = Resolve(treePath);
        var (parent, name) = Split(target);
        if (!Directory.Exists(ChrootPath.Map(RootPath, parent)))
        {
            return;
        }
        AfterResolve?.Invoke(target);
        using var directory = OpenDirectory(parent, treePath);
        if (backupPath is not null && ReadAt(directory, name, treePath) is { } current)
        {
            WriteFile(backupPath, current.Content, current.Mode);
        }
        if (LibC.unlinkat(Fd(directory), name, 0) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != LibC.ENOENT)
        {
            throw Failed(errno, "delete", treePath);
        }
        ReclaimAbandonedTemporaries(directory);
    }

    /// <summary>Creates a directory and its missing parents inside the root (like mkdir -p in a chroot).</summary>
    public void CreateDirectory(string treePath, UnixFileMode mode = DefaultDirectoryMode)
    {
        var target = Resolve(treePath);
        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var path = "/" + string.Join('/', parts.Take(i + 1));
            if (Directory.Exists(ChrootPath.Map(RootPath, path)))
            {
                continue;
            }
            using var parent = OpenDirectory("/" + string.Join('/', parts.Take(i)), treePath);
            if (LibC.mkdirat(Fd(parent), parts[i], (uint)mode) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != LibC.EEXIST)
            {
                throw Failed(errno, "create the directory", treePath);
            }
        }
        using var _ = OpenDirectory(target, treePath);
    }

    /// <summary>Removes a directory when it is empty; false when it is not (or does not exist).</summary>
    public bool DeleteEmptyDirectory(string treePath)
    {
        var target = Resolve(treePath);
        var (parent, name) = Split(target);
        if (name.Length == 0 || !Directory.Exists(ChrootPath.Map(RootPath, target)))
        {
            return false;
        }
        using var directory = OpenDirectory(parent, treePath);
        if (LibC.unlinkat(Fd(directory), name, LibC.AT_REMOVEDIR) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno is LibC.ENOTEMPTY or LibC.EEXIST or LibC.ENOENT ? false : throw Failed(errno, "remove the directory", treePath);
    }

    /// <summary>
    /// Removes a directory and everything under it (like rm -r in a chroot). Links inside it are removed, never
    /// followed; the directory itself is resolved inside the root.
    /// </summary>
    public void DeleteTree(string treePath)
    {
        var target = Resolve(treePath);
        var (parent, name) = Split(target);
        if (name.Length == 0 || !Directory.Exists(ChrootPath.Map(RootPath, target)))
        {
            return;
        }
        using var directory = OpenDirectory(parent, treePath);
        DeleteTreeAt(directory, name, treePath);
    }

    private void DeleteTreeAt(SafeFileHandle parent, string name, string treePath)
    {
        using (var directory = OpenAt(parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY, 0, treePath))
        {
            if (directory is null)
            {
                return;
            }
            foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{Fd(directory)}").Select(Path.GetFileName).OfType<string>().ToList())
            {
                if (LibC.unlinkat(Fd(directory), entry, 0) == 0)
                {
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EISDIR)
                {
                    DeleteTreeAt(directory, entry, treePath + "/" + entry);
                }
                else if (errno != LibC.ENOENT)
                {
                    throw Failed(errno, "delete", treePath + "/" + entry);
                }
            }
        }
        if (LibC.unlinkat(Fd(parent), name, LibC.AT_REMOVEDIR) != 0 && Marshal.GetLastPInvokeError() is var removeErrno && removeErrno != LibC.ENOENT)
        {
            throw Failed(removeErrno, "remove the directory", treePath);
        }
    }

    /// <summary>Creates a symbolic link (the link itself; its target is not followed or checked).</summary>
    public void CreateSymbolicLink(string treePath, string linkTarget)
    {
        // The link's own name is not followed; only the directory it goes in is resolved.
        var (directoryPath, name) = Split(TreePath.Normalize(treePath));
        var parent = Resolve(directoryPath);
        CreateDirectory(parent);
        using var directory = OpenDirectory(parent, treePath);
        if (LibC.symlinkat(linkTarget, Fd(directory), name) != 0)
        {
            throw Failed(Marshal.GetLastPInvokeError(), "create the link", treePath);
        }
    }

    /// <summary>Sets a file's modification time (links followed inside the root).</summary>
    public void SetLastWriteTimeUtc(string treePath, DateTime utc)
    {
        var (parent, name) = Split(Resolve(treePath));
        using var directory = OpenDirectory(parent, treePath);
        using var file = OpenAt(directory, name, LibC.O_RDONLY, 0, treePath) ?? throw new FileNotFoundException($"{treePath} does not exist under {RootPath}.");
        File.SetLastWriteTimeUtc(file, utc);
    }

    private (byte[] Content, UnixFileMode Mode)? ReadCurrent(string resolved, string treePath)
    {
        var (parent, name) = Split(resolved);
        if (!Directory.Exists(ChrootPath.Map(RootPath, parent)))
        {
            return null;
        }
        using var directory = OpenDirectory(parent, treePath);
        return ReadAt(directory, name, treePath);
    }

    private (byte[] Content, UnixFileMode Mode)? ReadAt(SafeFileHandle directory, string name, string treePath)
    {
        // O_NONBLOCK: a FIFO planted where a file is expected must not hang the change.
        using var file = OpenAt(directory, name, LibC.O_RDONLY | LibC.O_NONBLOCK, 0, treePath);
        if (file is null || (File.GetAttributes(file) & FileAttributes.Directory) != 0)
        {
            return null;
        }
        try
        {
            var content = new byte[RandomAccess.GetLength(file)];
            var read = 0;
            while (read < content.Length && RandomAccess.Read(file, content.AsSpan(read), read) is var n && n > 0)
            {
                read += n;
            }
            return (content[..read], File.GetUnixFileMode(file));
        }
        catch (NotSupportedException e)
        {
            throw new IOException($"{treePath} under {RootPath} is not a regular file.", e);
        }
    }

    private void WriteAt(SafeFileHandle directory, string name, ReadOnlySpan<byte> content, UnixFileMode mode, string treePath)
    {
        ReclaimAbandonedTemporaries(directory);
        var temporary = $".{name}{TemporarySuffix}{TemporaryDirectories.OwnerTag}-{Guid.NewGuid():N}.tmp";
        var created = false;
        try
        {
            using (var file = OpenAt(directory, temporary, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL, 0x180, treePath)
                ?? throw new DirectoryNotFoundException($"The directory of {treePath} disappeared under {RootPath}."))
            {
                created = true;
                RandomAccess.Write(file, content, 0);
                File.SetUnixFileMode(file, mode);
                if (LibC.fsync(Fd(file)) != 0)
                {
                    throw Failed(Marshal.GetLastPInvokeError(), "flush", treePath);
                }
            }
            if (LibC.renameat(Fd(directory), temporary, Fd(directory), name) != 0)
            {
                throw Failed(Marshal.GetLastPInvokeError(), "replace", treePath);
            }
            created = false;
            LibC.fsync(Fd(directory));
        }
        finally
        {
            if (created)
            {
                LibC.unlinkat(Fd(directory), temporary, 0);
            }
        }
    }

    // A writer killed between creating its temporary file and the rename leaves it in the directory; the next write
    // or delete there removes the temporaries whose owner (pid and start time in the name) has exited.
    private static void ReclaimAbandonedTemporaries(SafeFileHandle directory)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles($"/proc/self/fd/{Fd(directory)}", ".*.kmodps-*.tmp").Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var candidate in candidates)
        {
            if (TemporaryName().Match(candidate) is { Success: true } owner && TemporaryDirectories.IsGone(owner.Groups[1].Value, owner.Groups[2].Value))
            {
                LibC.unlinkat(Fd(directory), candidate, 0);
            }
        }
    }

    // Opens a name in a directory without following a link there; null when it does not exist.
    private SafeFileHandle? OpenAt(SafeFileHandle directory, string name, int flags, uint mode, string treePath)
    {
        var fd = LibC.openat(Fd(directory), name, flags | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, mode);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            LibC.ENOENT => null,
            LibC.ELOOP => throw new PathOutsideRootException(RootPath, treePath, $"{name} became a symbolic link while KmodPS was writing it"),
            _ => throw Failed(errno, "open", treePath),
        };
    }

    // Opens a link-free directory path of the root for *at calls; a link found on the way means the tree changed
    // since it was resolved (or a magic link): refused.
    private SafeFileHandle OpenDirectory(string resolvedPath, string treePath)
    {
        var relative = resolvedPath.Trim('/');
        var root = LibC.open(RootPath, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (root < 0)
        {
            throw Failed(Marshal.GetLastPInvokeError(), "open the root", treePath);
        }
        using var rootHandle = new SafeFileHandle(root, ownsHandle: true);
        if (relative.Length == 0)
        {
            return new SafeFileHandle(LibC.dup(root), ownsHandle: true);
        }
        if (!WithoutOpenat2 && !s_openat2Missing)
        {
            var how = new LibC.OpenHow
            {
                Flags = (ulong)(LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC),
                Resolve = LibC.RESOLVE_IN_ROOT | LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS,
            };
            var fd = LibC.openat2(root, relative, ref how);
            if (fd >= 0)
            {
                return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            }
            var errno = Marshal.GetLastPInvokeError();
            // ENOSYS before Linux 5.6; EPERM from container seccomp filters that predate openat2.
            if (errno is not (LibC.ENOSYS or LibC.EPERM))
            {
                throw DirectoryFailure(errno, resolvedPath, treePath);
            }
            s_openat2Missing = true;
        }
        var current = new SafeFileHandle(LibC.dup(root), ownsHandle: true);
        foreach (var part in relative.Split('/'))
        {
            var next = LibC.openat(Fd(current), part, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            var errno = Marshal.GetLastPInvokeError();
            if (next < 0 && errno == LibC.ENOTDIR && IsLinkAt(current, part))
            {
                errno = LibC.ELOOP;
            }
            current.Dispose();
            if (next < 0)
            {
                throw DirectoryFailure(errno, resolvedPath, treePath);
            }
            current = new SafeFileHandle(next, ownsHandle: true);
        }
        return current;
    }

    private Exception DirectoryFailure(int errno, string resolvedPath, string treePath) => errno switch
    {
        LibC.ELOOP or LibC.EXDEV => new PathOutsideRootException(RootPath, treePath,
            $"{ChrootPath.Map(RootPath, resolvedPath)} passes through a symbolic link that appeared after it was resolved, or a /proc magic link"),
        LibC.ENOENT => new DirectoryNotFoundException($"{ChrootPath.Map(RootPath, resolvedPath)} does not exist (writing {treePath} under {RootPath})."),
        _ => Failed(errno, "open the directory of", treePath),
    };

    private static bool IsLinkAt(SafeFileHandle directory, string name)
    {
        var buffer = new byte[1];
        return LibC.readlinkat(Fd(directory), name, buffer, (nint)buffer.Length) >= 0;
    }

    private Exception Failed(int errno, string what, string treePath)
    {
        var message = $"Cannot {what} {treePath} under {RootPath}: {new Win32Exception(errno).Message}";
        return errno is LibC.EACCES or LibC.EPERM ? new UnauthorizedAccessException(message) : new IOException(message, errno);
    }

    private static (string Parent, string Name) Split(string resolved)
    {
        var index = resolved.LastIndexOf('/');
        return (index <= 0 ? "/" : resolved[..index], resolved[(index + 1)..]);
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    [GeneratedRegex(@"^\..+\.kmodps-(\d+)\.(\d+)-[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();
}
