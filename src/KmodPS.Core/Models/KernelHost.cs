namespace KmodPS.Core.Models;

/// <summary>The system a KmodPS command looked at: its root, distribution and running kernel.</summary>
public sealed class KernelHost
{
    public KernelHost(string root, HostFamily family, string? distributionId, IReadOnlyList<string> distributionIdLike, string? versionId, string? prettyName, string? runningKernel)
    {
        Root = root;
        Family = family;
        DistributionId = distributionId;
        DistributionIdLike = distributionIdLike.ToArray();
        VersionId = versionId;
        PrettyName = prettyName;
        RunningKernel = runningKernel;
    }

    /// <summary>The directory read as <c>/</c>.</summary>
    public string Root { get; }

    public HostFamily Family { get; }

    /// <summary><c>ID</c> from os-release, for example <c>almalinux</c> or <c>debian</c>.</summary>
    public string? DistributionId { get; }

    /// <summary><c>ID_LIKE</c> from os-release.</summary>
    public string[] DistributionIdLike { get; }

    /// <summary><c>VERSION_ID</c> from os-release.</summary>
    public string? VersionId { get; }

    public string? PrettyName { get; }

    /// <summary>The running kernel's release; null unless the root is the running host's own <c>/</c>.</summary>
    public string? RunningKernel { get; }
}
