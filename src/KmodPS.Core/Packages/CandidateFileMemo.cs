using System.Collections.Concurrent;

namespace KmodPS.Core.Packages;

/// <summary>
/// Remembers what a metadata file gave while its size and modification time stay the same: completion asks on
/// every Tab, and apt's lists run to tens of megabytes.
/// </summary>
internal static class CandidateFileMemo
{
    private const int MaxEntries = 256;

    private static readonly ConcurrentDictionary<string, (long Length, DateTime Modified, IReadOnlyList<CachedKernelCandidate> Found)> Entries = new(StringComparer.Ordinal);

    public static IReadOnlyList<CachedKernelCandidate> GetOrRead(string realPath, Func<IReadOnlyList<CachedKernelCandidate>> read)
    {
        var info = new FileInfo(realPath);
        var (length, modified) = (info.Length, info.LastWriteTimeUtc);
        if (Entries.TryGetValue(realPath, out var known) && known.Length == length && known.Modified == modified)
        {
            return known.Found;
        }
        var found = read();
        if (Entries.Count >= MaxEntries)
        {
            Entries.Clear();
        }
        Entries[realPath] = (length, modified, found);
        return found;
    }
}
