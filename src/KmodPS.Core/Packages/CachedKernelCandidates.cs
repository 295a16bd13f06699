using System.Xml;
using KmodPS.Core.Kernels;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// Kernel releases the repositories offer, found cheaply for argument completion: no process, no network, only
/// metadata the package manager has already cached under the root (apt's lists, dnf's and dnf5's repodata), or a
/// test root's answer file, which replaces them as it replaces rpm, dnf and apt elsewhere. Unreadable or malformed
/// files are skipped: the answer may be incomplete, never an exception.
/// </summary>
public sealed class CachedKernelCandidates
{
    private readonly ISystemRoot _root;

    public CachedKernelCandidates(ISystemRoot root)
    {
        _root = root;
    }

    /// <summary>Distinct releases, newest first (the first package and repository found for each).</summary>
    public IReadOnlyList<CachedKernelCandidate> Read()
    {
        IEnumerable<CachedKernelCandidate> found;
        if (ReadAnswers() is { } answers)
        {
            found = TestRootKernelCandidates.From(answers);
        }
        else
        {
            found = Guard(() => AptListKernelCandidates.Files(_root).ToList()).SelectMany(f => ReadFile(f, AptListKernelCandidates.Read))
                .Concat(Guard(() => RepodataKernelCandidates.Files(_root).ToList()).SelectMany(f => ReadFile(f, RepodataKernelCandidates.Read)));
        }
        return found.DistinctBy(c => c.KernelVersion, StringComparer.Ordinal)
            .OrderByDescending(c => c.KernelVersion, KernelVersionComparer.Instance)
            .ToList();
    }

    private TestRootAnswers? ReadAnswers()
    {
        try
        {
            return TestRootAnswers.Read(_root);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return null;
        }
    }

    private IReadOnlyList<CachedKernelCandidate> ReadFile(string path, Func<ISystemRoot, string, IReadOnlyList<CachedKernelCandidate>> read) =>
        _root.ResolvePath(path) is { } resolved
            ? Guard(() => CandidateFileMemo.GetOrRead(_root.MapPath(resolved), () => read(_root, resolved)))
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
