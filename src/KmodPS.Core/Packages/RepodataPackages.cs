using System.Xml;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Named packages of the repository metadata cached under the root (<see cref="RepodataKernelCandidates.Files"/>),
/// with their symbol versions (<c>ksym(&lt;flavour&gt;:&lt;symbol&gt;) = &lt;crc&gt;</c>) that SUSE kernel packages provide and
/// KMPs require: what weak-modules2 compares when it decides whether a KMP built for one kernel loads into another.
/// </summary>
internal static class RepodataPackages
{
    private const string KsymPrefix = "ksym(";

    /// <summary>
    /// The cached repository packages whose name <paramref name="named"/> accepts, with their ksym provides and requires where
    /// <paramref name="withSymbols"/> wants them (a kernel carries tens of thousands: only those of the kernels judged).
    /// </summary>
    public static IReadOnlyList<RepositoryPackage> Read(ISystemRoot root, Func<string, bool> named, Func<RepositoryPackage, bool> withSymbols)
    {
        var found = new List<RepositoryPackage>();
        foreach (var path in RepodataKernelCandidates.Files(root))
        {
            try
            {
                using var stream = RepodataKernelCandidates.Open(root, path);
                found.AddRange(Parse(stream, RepodataKernelCandidates.RepositoryId(path), named, withSymbols));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or XmlException)
            {
                // An unreadable cache file offers nothing; the caller reports what it then lacks.
            }
        }
        return found;
    }

    /// <summary>
    /// The packages of a primary.xml whose name <paramref name="named"/> accepts, read with a streaming XmlReader;
    /// a ksym entry reads <c>ksym(default:printk) = 1234abcd</c>.
    /// </summary>
    public static IReadOnlyList<RepositoryPackage> Parse(Stream stream, string repository, Func<string, bool> named, Func<RepositoryPackage, bool> withSymbols)
    {
        var found = new List<RepositoryPackage>();
        using var reader = XmlReader.Create(stream, RepodataKernelCandidates.Settings);
        string? name = null, arch = null, version = null, release = null;
        List<string> provides = new(), requires = new();
        List<string>? list = null;
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName == "package")
            {
                name = arch = version = release = null;
                provides = new List<string>();
                requires = new List<string>();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 2)
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
                    case "format" when name is not null && named(name) && version is not null && release is not null && arch is not null
                        && withSymbols(new RepositoryPackage(name, version, release, arch, repository, Array.Empty<string>(), Array.Empty<string>())):
                        break;
                    default:
                        reader.Skip();
                        continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 3)
            {
                // Within <format>: only rpm:provides and rpm:requires hold ksym entries.
                list = reader.LocalName switch { "provides" => provides, "requires" => requires, _ => null };
                if (list is null)
                {
                    reader.Skip();
                    continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 4 && list is not null && reader.LocalName == "entry"
                && reader.GetAttribute("name") is { } entry && entry.StartsWith(KsymPrefix, StringComparison.Ordinal) && reader.GetAttribute("ver") is { } crc)
            {
                list.Add($"{entry} = {crc}");
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == 1 && reader.LocalName == "package"
                && name is not null && named(name) && version is not null && release is not null && arch is not null)
            {
                found.Add(new RepositoryPackage(name, version, release, arch, repository, requires, provides));
            }
            reader.Read();
        }
        return found;
    }
}
