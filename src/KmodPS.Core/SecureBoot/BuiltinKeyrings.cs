using System.Collections.Concurrent;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// The <c>.builtin_trusted_keys</c> of each kernel of a root: the certificates built into that kernel's image
/// (<see cref="KernelImageCertificates"/>). They are anchors for that kernel's modules only: a module built for one
/// kernel and signed by another kernel's build key does not load. An image is read when a signature first asks for
/// it, once per kernel per instance; what an image holds is also kept for the process, by path, size and time.
/// </summary>
internal sealed class BuiltinKeyrings(ISystemRoot root, IReadOnlyDictionary<string, string> images, DiagnosticLog log)
{
    private const int ProcessCacheLimit = 256;
    private const int ReportedFailures = 3;

    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Time), IReadOnlyList<byte[]>> ProcessCache = new();

    private readonly Dictionary<string, IReadOnlyList<TrustAnchor>> _keyrings = new(StringComparer.Ordinal);
    private int _failures;

    /// <summary>The anchors (store <see cref="TrustStores.BuiltinKeyring"/>) of <paramref name="kernelVersion"/>; empty when its image has none or cannot be read (then a warning says why).</summary>
    public IReadOnlyList<TrustAnchor> For(string kernelVersion)
    {
        lock (_keyrings)
        {
            if (!_keyrings.TryGetValue(kernelVersion, out var anchors))
            {
                anchors = _keyrings[kernelVersion] = images.TryGetValue(kernelVersion, out var image) ? Read(image) : Array.Empty<TrustAnchor>();
            }
            return anchors;
        }
    }

    private IReadOnlyList<TrustAnchor> Read(string image)
    {
        var source = root.MapPath(image);
        try
        {
            var real = root.MapPath(root.ResolvePath(image) ?? image);
            var info = new FileInfo(real);
            var key = (real, info.Length, info.LastWriteTimeUtc);
            if (!ProcessCache.TryGetValue(key, out var certificates))
            {
                certificates = KernelImageCertificates.Read(real);
                if (ProcessCache.Count >= ProcessCacheLimit)
                {
                    ProcessCache.Clear();
                }
                ProcessCache[key] = certificates;
            }
            return certificates.Select(der => CertificateAnchor.FromDer(der, TrustStores.BuiltinKeyring, source, log)).OfType<TrustAnchor>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Each image once, and beyond a few only counted: a root of many unreadable images would repeat one sentence.
            if (++_failures <= ReportedFailures)
            {
                log.Warn($"Cannot read the builtin certificates of {source}: {e.Message}; modules signed by that kernel's own keys read as not verifiable" +
                    (_failures == ReportedFailures ? " (further images that cannot be read are not reported)." : "."));
            }
            return Array.Empty<TrustAnchor>();
        }
    }
}
