using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Kernel packages in the repository metadata dnf (<c>/var/cache/dnf</c>), dnf5 (<c>/var/cache/libdnf5</c>) and
/// zypper (<c>/var/cache/zypp/raw</c>) keep cached: each repository's <c>repodata/*primary.xml</c> or <c>.xml.gz</c>,
/// read with a streaming XmlReader. Zstandard and xz metadata are skipped: .NET cannot read them without extra packages.
/// </summary>
internal static partial class RepodataKernelCandidates
{
    public static readonly IReadOnlyList<string> DnfCacheDirectories = new[] { "/var/cache/dnf", "/var/cache/libdnf5" };

    public static readonly IReadOnlyList<string> CacheDirectories = DnfCacheDirectories.Append("/var/cache/zypp/raw").ToList();

    public static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>The primary metadata files of the root's dnf and dnf5 caches.</summary>
    public static IEnumerable<string> Files(ISystemRoot root) =>
        from cache in CacheDirectories
        from repository in root.ListDirectory(cache)
        let repodata = $"{cache}/{repository}/repodata"
        from name in root.ListDirectory(repodata)
        where name.EndsWith("primary.xml", StringComparison.Ordinal) || name.EndsWith("primary.xml.gz", StringComparison.Ordinal)
        select $"{repodata}/{name}";

    /// <summary>Reads one primary file of the root; throws what the stream or the XML reader throws (the caller ignores such files).</summary>
    public static IReadOnlyList<CachedKernelCandidate> Read(ISystemRoot root, string path)
    {
        using var stream = Open(root, path);
        return Parse(stream, RepositoryId(path));
    }

    /// <summary>One primary file of the root, decompressed when it is <c>.gz</c>.</summary>
    public static Stream Open(ISystemRoot root, string path)
    {
        var file = root.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>The kernel packages of a primary.xml: <c>&lt;package type="rpm"&gt;</c> elements with name, arch and version.</summary>
    public static IReadOnlyList<CachedKernelCandidate> Parse(Stream stream, string repository) =>
        RepodataPackages.Parse(stream, repository, KernelImagePackage.IsRpmImageName, _ => false)
            .Select(p => KernelImagePackage.RpmRelease(p.Name, p.Version, p.Release, p.Arch) is { } kernel ? new CachedKernelCandidate(kernel, p.Name, repository) : null)
            .OfType<CachedKernelCandidate>()
            .ToList();

    /// <summary>dnf names a repository's cache directory <c>&lt;repoid&gt;-&lt;16 hex digits&gt;</c>; zypper names it by the alias.</summary>
    public static string RepositoryId(string path)
    {
        var directory = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))) ?? string.Empty;
        return HashSuffix().Replace(directory, string.Empty);
    }

    [GeneratedRegex("-[0-9a-f]{16}\\z")]
    private static partial Regex HashSuffix();
}
