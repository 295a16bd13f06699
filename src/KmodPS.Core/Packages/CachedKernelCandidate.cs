namespace KmodPS.Core.Packages;

/// <summary>A kernel release a repository offers, as found in the package manager's cached metadata (no process, no network).</summary>
/// <param name="KernelVersion">The release in <c>uname -r</c> form.</param>
/// <param name="Package">The package that carries it (<c>kernel-core</c>, <c>linux-image-6.1.0-57-amd64</c>).</param>
/// <param name="Repository">The repository or package list it was found in.</param>
public sealed record CachedKernelCandidate(string KernelVersion, string Package, string Repository);
