using System.Xml;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Kernel releases the repositories offer, found cheaply for argument completion: no process, no network, only
/// metadata the package manager has already cached under the root (apt's lists, dnf's and dnf5's repodata).
/// Unreadable or malformed files are skipped: the answer may be incomplete, never an exception.
/// </summary>
internal sealed class CachedKernelCandidates(ISystemRoot root)
{
    /// <summary>Every release found, in file order (<see cref="PackageBackend.CachedKernelCandidates"/> orders them).</summary>
    public IEnumerable<CachedKernelCandidate> Read() =>
        Guard(() => AptListKernelCandidates.Files(root).ToList()).SelectMany(f => ReadFile(f, AptListKernelCandidates.Read))
            .Concat(Guard(() => RepodataKernelCandidates.Files(root).ToList()).SelectMany(f => ReadFile(f, RepodataKernelCandidates.Read)));

    private IReadOnlyList<CachedKernelCandidate> ReadFile(string path, Func<ISystemRoot, string, IReadOnlyList<CachedKernelCandidate>> read) =>
        root.ResolvePath(path) is { } resolved
            ? Guard(() => CandidateFileMemo.GetOrRead(root.MapPath(resolved), () => read(root, resolved)))
            : Array.Empty<CachedKernelCandidate>();

    private static IReadOnlyList<T> Guard<T>(Func<IReadOnlyList<T>> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return Array.Empty<T>();
        }
    }

    private static bool IsUnreadable(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or XmlException;
}
