using System.Security.Cryptography;
using System.Text;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Guard;

/// <summary>Private copies of lab worlds (worlds themselves are never modified) and byte-exact tree fingerprints.</summary>
public sealed class LabWorldCopy : IDisposable
{
    private readonly List<string> _paths = new();

    /// <summary>A <c>cp -a</c> copy of a world (or any directory) in a fresh temporary path, deleted on dispose.</summary>
    public string Copy(string source)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"kmodps-{Path.GetFileName(source)}-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", source, copy);
        _paths.Add(copy);
        return copy;
    }

    /// <summary>
    /// A copy of a chroot-able world (debian-chroot) beside it, since hard links need the same file system: what a repair
    /// may write (the dkms tree, the module trees' updates/ and modules.*, /etc, /tmp) is copied; the rest (toolchain,
    /// headers, the kernels' own modules under kernel/) is hard-linked, which dkms never rewrites.
    /// </summary>
    public string CopyChroot(string world)
    {
        var copy = Path.Combine(LabEnvironment.Directory, $".copy-{Path.GetFileName(world)}-{Guid.NewGuid():N}");
        _paths.Add(copy);
        Shell.Stdout("cp", "-al", world, copy);
        var writable = new[] { "var", "etc", "tmp", "root", "run" }.Concat(System.IO.Directory.GetDirectories(Path.Combine(world, "usr/lib/modules"))
            .SelectMany(k => System.IO.Directory.GetFileSystemEntries(k).Where(e => Path.GetFileName(e) != "kernel")).Select(e => Path.GetRelativePath(world, e)));
        foreach (var directory in writable)
        {
            Shell.Stdout("rm", "-rf", Path.Combine(copy, directory));
            Shell.Stdout("cp", "-a", Path.Combine(world, directory), Path.Combine(copy, directory));
        }
        return copy;
    }

    /// <summary>A fresh empty directory, deleted on dispose.</summary>
    public string Directory()
    {
        var path = System.IO.Directory.CreateTempSubdirectory("kmodps-lab-aux-").FullName;
        _paths.Add(path);
        return path;
    }

    public void Dispose() => _paths.ForEach(p => Shell.Run("rm", TimeSpan.FromMinutes(5), "-rf", p));

    /// <summary>SHA-256 over every entry's path, mode, link target or content: equal means byte-identical trees.</summary>
    public static string TreeHash(string root)
    {
        using var sha = SHA256.Create();
        foreach (var line in Entries(root))
        {
            var bytes = Encoding.UTF8.GetBytes(line.Key + "\0" + line.Value + "\n");
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexString(sha.Hash!);
    }

    /// <summary>Path (inside the root) to "mode content-hash", "dir mode" or "-> target", for diffs in assertion messages; what is under /dev (device nodes and /proc links in a chroot world) is left out.</summary>
    public static SortedDictionary<string, string> Entries(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (path[root.Length..].StartsWith("/dev/", StringComparison.Ordinal))
            {
                continue;
            }
            var info = new FileInfo(path);
            entries[path[root.Length..]] = info.LinkTarget is { } link ? "-> " + link
                : System.IO.Directory.Exists(path) ? $"dir {File.GetUnixFileMode(path)}"
                : $"{File.GetUnixFileMode(path)} {Hash(path)}";
        }
        return entries;
    }

    // Streamed: a chroot world holds files larger than one array.
    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>The entries that differ between two listings, one per line.</summary>
    public static string Diff(SortedDictionary<string, string> before, SortedDictionary<string, string> after) => string.Join('\n',
        before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {before.GetValueOrDefault(k) ?? "(absent)"} => {after.GetValueOrDefault(k) ?? "(absent)"}"));
}
