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
    public static readonly IReadOnlyList<string> CacheDirectories = new[] { "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/zypp/raw" };

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
        using var file = root.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Parse(stream, RepositoryId(path));
    }

    /// <summary>The kernel packages of a primary.xml: <c>&lt;package type="rpm"&gt;</c> elements with name, arch and version.</summary>
    public static IReadOnlyList<CachedKernelCandidate> Parse(Stream stream, string repository)
    {
        var found = new List<CachedKernelCandidate>();
        using var reader = XmlReader.Create(stream, Settings);
        string? name = null, arch = null, version = null, release = null;
        reader.MoveToContent();
        // ReadElementContentAsString and Skip leave the reader on the next node already, so those cases do not Read again.
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 2)
            {
                switch (reader.LocalName)
                {
                    case "name":
                        name = reader.ReadElementContentAsString();
                        continue;
                    case "arch":
                        arch = reader.ReadElementContentAsString();
                        continue;
                    case "version":
                        version = reader.GetAttribute("ver");
                        release = reader.GetAttribute("rel");
                        break;
                    default:
                        // <format> holds the requires and provides: most of the file, none of it needed here.
                        reader.Skip();
                        continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName == "package")
            {
                name = arch = version = release = null;
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == 1 && reader.LocalName == "package"
                && name is not null && KernelImagePackage.RpmRelease(name, version, release, arch) is { } kernel)
            {
                found.Add(new CachedKernelCandidate(kernel, name, repository));
            }
            reader.Read();
        }
        return found;
    }

    /// <summary>dnf names a repository's cache directory <c>&lt;repoid&gt;-&lt;16 hex digits&gt;</c>; zypper names it by the alias.</summary>
    public static string RepositoryId(string path)
    {
        var directory = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))) ?? string.Empty;
        return HashSuffix().Replace(directory, string.Empty);
    }

    [GeneratedRegex("-[0-9a-f]{16}\\z")]
    private static partial Regex HashSuffix();
}
