using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>Reads <c>/etc/os-release</c> (or <c>/usr/lib/os-release</c>) and the running kernel of a root.</summary>
public sealed class KernelHostReader(ISystemRoot root)
{
    private static readonly string[] OsReleasePaths = { "/etc/os-release", "/usr/lib/os-release" };

    public KernelHost Read(DiagnosticLog log)
    {
        var values = ReadOsRelease(log);
        values.TryGetValue("ID", out var id);
        values.TryGetValue("VERSION_ID", out var versionId);
        values.TryGetValue("PRETTY_NAME", out var prettyName);
        var idLike = values.TryGetValue("ID_LIKE", out var like)
            ? like.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : Array.Empty<string>();
        var family = HostFamilyClassifier.Classify(id, idLike);
        return new KernelHost(root.RootPath, family, id, idLike, versionId, prettyName, RunningKernel.Read(root));
    }

    private IReadOnlyDictionary<string, string> ReadOsRelease(DiagnosticLog log)
    {
        foreach (var path in OsReleasePaths)
        {
            if (!root.FileExists(path))
            {
                continue;
            }
            try
            {
                return OsRelease.Parse(root.ReadAllText(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            }
        }
        log.Warn($"No os-release file under {root.RootPath}; the distribution family is Unknown.");
        return new Dictionary<string, string>();
    }
}
