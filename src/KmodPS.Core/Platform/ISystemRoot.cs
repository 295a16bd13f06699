namespace KmodPS.Core.Platform;

/// <summary>
/// Read access to files of a system tree: the host (<c>/</c>), a chroot, a mounted image or a test tree.
/// Every path argument is an absolute path as seen from inside the tree (<c>/lib/modules</c>).
/// </summary>
public interface ISystemRoot
{
    /// <summary>The directory that plays the role of <c>/</c>.</summary>
    string RootPath { get; }

    /// <summary>True when the tree is the running host's own root, so /proc and /sys describe it.</summary>
    bool IsHostRoot { get; }

    /// <summary>Maps a path inside the tree to the real path on this machine, without following links.</summary>
    string MapPath(string path);

    /// <summary>
    /// A view of the same tree for one read (a status or kernel scan): it remembers how each directory resolved, so a
    /// directory met again costs no lookups. Changes to the tree's links made after it resolved a directory are not
    /// seen through it: take a new one for each read, and never use it to decide a change.
    /// </summary>
    ISystemRoot ForOneRead();

    /// <summary>Follows symbolic links inside the tree (absolute targets stay inside it); null when the chain dangles or loops.</summary>
    string? ResolvePath(string path);

    bool FileExists(string path);

    bool DirectoryExists(string path);

    /// <summary>True for a symbolic link, whether or not its target exists.</summary>
    bool IsSymbolicLink(string path);

    /// <summary>The raw target of a symbolic link, or null.</summary>
    string? ReadLink(string path);

    /// <summary>Names (not paths) of the entries of a directory, sorted ordinally; empty when it does not exist.</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>
    /// The entries of a directory, sorted ordinally, read in one pass with what each is, so a directory or file (what
    /// <see cref="DirectoryExists"/> or <see cref="FileExists"/> would say of it) needs no resolution of its own; a
    /// <see cref="RootEntryKind.Link"/> does.
    /// </summary>
    IReadOnlyList<RootEntry> ListEntries(string path);

    /// <summary>Tree paths of every file below a directory (links inside it are listed, not followed).</summary>
    IEnumerable<string> EnumerateFilesRecursive(string path);

    string ReadAllText(string path);

    byte[] ReadAllBytes(string path);

    Stream OpenRead(string path);

    DateTime GetLastWriteTimeUtc(string path);
}

public enum RootEntryKind
{
    /// <summary>Anything but a directory or a link (a regular file, or a special file, as FileExists counts them).</summary>
    File,
    Directory,
    Link,
}

/// <summary>A directory entry from <see cref="ISystemRoot.ListEntries"/>.</summary>
public readonly record struct RootEntry(string Name, RootEntryKind Kind);
