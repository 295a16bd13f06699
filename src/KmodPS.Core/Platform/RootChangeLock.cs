using System.Runtime.InteropServices;
using System.Text;
using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Platform;

/// <summary>
/// The one KmodPS change lock of a root: an flock(2) on <c>/run/lock/kmodps.lock</c> inside the root, or on
/// <c>/var/lib/kmodps/kmodps.lock</c> where the root has no <c>/run/lock</c>. The file exists only while a change
/// holds it (the holder unlinks it before unlocking), so a change leaves nothing new in a root. Every change executor holds it around
/// apply, read-back and restore; reads and -WhatIf never take it. The kernel drops an flock when its holder dies, so a
/// killed KmodPS never leaves the root locked. A second change waits up to the bounded wait, then fails with
/// <see cref="ErrorIds.RootChangeInProgress"/>. dnf's and apt's own locks are separate and still checked by the executors.
/// </summary>
/// <remarks>
/// Re-entrant on one thread (Invoke-KernelUpdateGuard runs Repair-KernelModule in its own pipeline); another thread
/// of the same process waits like another process would. A change started by a KmodPS change (a guard hook that a
/// package transaction of Remove-Kernel runs) finds its ancestor's pid in the lock file and runs under that lock
/// instead of waiting for a holder that is waiting for it.
/// </remarks>
internal sealed class RootChangeLock : IDisposable
{
    public const string FileName = "kmodps.lock";

    /// <summary>Overrides the bounded wait, in seconds (a guard hook inside a long transaction may want longer).</summary>
    public const string WaitVariable = "KMODPS_LOCK_WAIT_SECONDS";

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private static readonly string[] Directories = { "/run/lock", "/var/lib/kmodps" };
    private static readonly Dictionary<string, Holding> Held = new(StringComparer.Ordinal);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly string? _path;
    private bool _disposed;

    private RootChangeLock(string? path)
    {
        _path = path;
    }

    /// <summary>Whether this handle holds the flock itself (false when it runs under an ancestor's lock).</summary>
    public bool Owns => _path is not null;

    /// <summary>The bounded wait: <see cref="WaitVariable"/> when set to a number of seconds, else <see cref="DefaultWait"/>.</summary>
    public static TimeSpan ConfiguredWait =>
        double.TryParse(Environment.GetEnvironmentVariable(WaitVariable), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultWait;

    /// <summary>Runs <paramref name="change"/> holding the root's lock; <paramref name="refused"/> turns a refusal into the caller's result.</summary>
    public static T Around<T>(ISystemRoot root, Func<T> change, Func<Failure, T> refused, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        if (TryAcquire(root, out var held, wait, cancellationToken) is { } failure)
        {
            return refused(failure);
        }
        using (held)
        {
            return change();
        }
    }

    /// <summary>Takes the root's lock, waiting at most <paramref name="wait"/> (default <see cref="ConfiguredWait"/>).</summary>
    /// <returns>Null with <paramref name="held"/> set, else RootChangeInProgress (another change holds it) or RootLockUnavailable.</returns>
    public static Failure? TryAcquire(ISystemRoot root, out RootChangeLock? held, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        held = null;
        if (!OperatingSystem.IsLinux())
        {
            held = new RootChangeLock(null);
            return null;
        }
        string directory;
        try
        {
            directory = LockDirectory(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unavailable(root, e.Message);
        }
        var path = Path.Combine(directory, FileName);
        var deadline = DateTime.UtcNow + (wait ?? ConfiguredWait);
        var thread = Environment.CurrentManagedThreadId;
        while (true)
        {
            lock (Held)
            {
                if (!Held.TryGetValue(path, out var holding))
                {
                    break;
                }
                if (holding.Thread == thread)
                {
                    holding.Count++;
                    held = new RootChangeLock(path);
                    return null;
                }
            }
            if (DateTime.UtcNow >= deadline)
            {
                return InProgress(root, path, Environment.ProcessId, wait ?? ConfiguredWait);
            }
            Pause(cancellationToken);
        }
        int? holder = null;
        while (true)
        {
            bool created;
            try
            {
                created = !Directory.Exists(directory);
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Unavailable(root, e.Message);
            }
            var fd = LibC.open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, Convert.ToUInt32("644", 8));
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.ENOENT && DateTime.UtcNow < deadline)
                {
                    // The last holder removed the directory it had created between our mkdir and open.
                    continue;
                }
                return Unavailable(root, $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            while (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
            {
                holder = HolderPid(fd) ?? holder;
                if (holder is { } pid && IsAncestor(pid))
                {
                    LibC.close(fd);
                    held = new RootChangeLock(null);
                    return null;
                }
                if (DateTime.UtcNow >= deadline)
                {
                    LibC.close(fd);
                    return InProgress(root, path, holder, wait ?? ConfiguredWait);
                }
                try
                {
                    Pause(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    LibC.close(fd);
                    throw;
                }
            }
            // A holder unlinks the file before it unlocks: a lock won on an unlinked file is no lock at all.
            if (new FileInfo($"/proc/self/fd/{fd}").LinkTarget != path)
            {
                LibC.close(fd);
                continue;
            }
            var text = Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
            LibC.ftruncate(fd, 0);
            LibC.pwrite(fd, text, text.Length, 0);
            lock (Held)
            {
                Held[path] = new Holding(fd, thread, created || directory.EndsWith(Directories[^1], StringComparison.Ordinal) ? directory : null);
            }
            held = new RootChangeLock(path);
            return null;
        }
    }

    /// <summary>The directory of the root's lock file, on this machine and inside the root; it may not exist yet.</summary>
    /// <exception cref="IOException">It resolves outside the root, or through a dangling link.</exception>
    public static string LockDirectory(ISystemRoot root)
    {
        var directory = Directories.FirstOrDefault(root.DirectoryExists) ?? Directories[^1];
        var real = Path.GetFullPath(root.MapPath(ResolveExisting(root, directory)));
        var top = Path.GetFullPath(root.RootPath).TrimEnd('/') + "/";
        if (!root.IsHostRoot && !real.StartsWith(top, StringComparison.Ordinal))
        {
            throw new IOException($"{root.MapPath(directory)} leads outside the root {root.RootPath}");
        }
        return real;
    }

    // Resolves the links of the part that exists; the missing rest is appended as it is (and must not be a link).
    private static string ResolveExisting(ISystemRoot root, string treePath)
    {
        if (treePath == "/")
        {
            return "/";
        }
        if (root.ResolvePath(treePath) is { } resolved)
        {
            return resolved;
        }
        if (root.IsSymbolicLink(treePath))
        {
            throw new IOException($"{root.MapPath(treePath)} is a dangling or looping link");
        }
        var parent = TreePath.Normalize(treePath);
        var cut = parent.LastIndexOf('/');
        var resolvedParent = ResolveExisting(root, cut <= 0 ? "/" : parent[..cut]);
        return resolvedParent.TrimEnd('/') + "/" + parent[(cut + 1)..];
    }

    private static void Pause(CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(Poll);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        if (_disposed || _path is null)
        {
            return;
        }
        _disposed = true;
        lock (Held)
        {
            var holding = Held[_path];
            if (--holding.Count > 0)
            {
                return;
            }
            Held.Remove(_path);
            // Unlinked while still locked, so a change leaves no file in the root; waiters holding the old file notice and reopen.
            LibC.ftruncate(holding.Fd, 0);
            File.Delete(_path);
            if (holding.CreatedDirectory is { } directory)
            {
                LibC.rmdir(directory);
            }
            LibC.flock(holding.Fd, LibC.LOCK_UN);
            LibC.close(holding.Fd);
        }
    }

    private static Failure InProgress(ISystemRoot root, string path, int? holder, TimeSpan waited) => new(
        ErrorIds.RootChangeInProgress, FailureCategory.ResourceUnavailable,
        $"Another KmodPS change holds the root {root.RootPath}{(holder is { } pid ? $" (process {pid})" : string.Empty)}: {path} stayed locked for {waited.TotalSeconds:0.#} s. Nothing was changed.",
        root.RootPath, $"Retry when the other change has finished, or wait longer with {WaitVariable}.");

    private static Failure Unavailable(ISystemRoot root, string why) => new(
        ErrorIds.RootLockUnavailable, FailureCategory.WriteError,
        $"The KmodPS change lock of {root.RootPath} cannot be taken: {why}. Nothing was changed.", root.RootPath);

    private static int? HolderPid(int fd)
    {
        var buffer = new byte[32];
        var read = LibC.pread(fd, buffer, buffer.Length, 0);
        return read > 0 && int.TryParse(Encoding.ASCII.GetString(buffer, 0, (int)read).Trim(), out var pid) && pid > 0 ? pid : null;
    }

    private static bool IsAncestor(int pid)
    {
        var current = Environment.ProcessId;
        for (var hops = 0; hops < 64 && current > 1; hops++)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{current}/stat");
            }
            catch (IOException)
            {
                return false;
            }
            // Field 4 (ppid) follows the command name, which may itself contain spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (!int.TryParse(fields[1], out current))
            {
                return false;
            }
            if (current == pid)
            {
                return true;
            }
        }
        return false;
    }

    private sealed class Holding
    {
        public Holding(int fd, int thread, string? createdDirectory)
        {
            Fd = fd;
            Thread = thread;
            CreatedDirectory = createdDirectory;
        }

        /// <summary>
        /// The lock's directory when this holder created it or it is KmodPS's own state directory: removed again when
        /// empty (a change that removed KmodPS's last state file, Uninstall-KernelUpdateGuard, leaves no directory behind).
        /// </summary>
        public string? CreatedDirectory { get; }

        public int Fd { get; }

        public int Thread { get; }

        public int Count { get; set; } = 1;
    }
}
