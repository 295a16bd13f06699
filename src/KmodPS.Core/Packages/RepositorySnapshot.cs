namespace KmodPS.Core.Packages;

/// <summary>What one batched package-manager query answered: available packages and, on Debian, what an upgrade would install.</summary>
public sealed record RepositorySnapshot(string Tool, IReadOnlyList<RepositoryPackage> Available, IReadOnlyList<string> UpgradeInstalls)
{
    public static RepositorySnapshot Empty(string tool) => new(tool, Array.Empty<RepositoryPackage>(), Array.Empty<string>());
}
