using System.IO.Compression;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Kernel images in apt's downloaded package lists (<c>/var/lib/apt/lists/*_Packages</c>, also <c>.gz</c> with
/// Acquire::GzipIndexes): streamed line by line, only <c>Package: linux-image-</c> lines looked at.
/// </summary>
internal static class AptListKernelCandidates
{
    public const string ListsDirectory = "/var/lib/apt/lists";

    private const string ImageLine = "Package: linux-image-";

    /// <summary>The list files of the root that .NET can read without extra packages (lz4, xz and zstd lists are skipped).</summary>
    public static IEnumerable<string> Files(ISystemRoot root) =>
        root.ListDirectory(ListsDirectory)
            .Where(n => n.EndsWith("_Packages", StringComparison.Ordinal) || n.EndsWith("_Packages.gz", StringComparison.Ordinal))
            .Select(n => $"{ListsDirectory}/{n}");

    /// <summary>Reads one list file of the root; throws what the stream throws (the caller ignores unreadable files).</summary>
    public static IReadOnlyList<CachedKernelCandidate> Read(ISystemRoot root, string path)
    {
        using var file = root.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        return Parse(reader, RepositoryName(path));
    }

    public static IReadOnlyList<CachedKernelCandidate> Parse(TextReader reader, string repository)
    {
        var found = new List<CachedKernelCandidate>();
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith(ImageLine, StringComparison.Ordinal))
            {
                continue;
            }
            var package = line["Package: ".Length..].Trim();
            if (KernelImagePackage.DebianRelease(package) is { } kernel)
            {
                found.Add(new CachedKernelCandidate(kernel, package, repository));
            }
        }
        return found;
    }

    /// <summary><c>deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages</c> gives <c>deb.debian.org_debian_dists_bookworm_main_binary-amd64</c>.</summary>
    private static string RepositoryName(string path)
    {
        var name = Path.GetFileName(path);
        var end = name.LastIndexOf("_Packages", StringComparison.Ordinal);
        return end > 0 ? name[..end] : name;
    }
}
