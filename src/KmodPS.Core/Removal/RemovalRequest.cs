using KmodPS.Core.Boot;
using KmodPS.Core.Readiness;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>The facts <see cref="RemovalPlanner"/> decides on, all read before anything changes.</summary>
/// <param name="KernelVersion">The kernel release to remove: an installed kernel, or a release whose packages an interrupted removal left in the database.</param>
/// <param name="Kernels">Every installed kernel (with image paths).</param>
/// <param name="Health">The health of every installed kernel before the removal.</param>
/// <param name="Packages">The kernel's own packages (<see cref="KernelPackageMatcher.OfRelease"/>).</param>
/// <param name="Dependents">Other packages the package manager would remove with them.</param>
/// <param name="Locks">Locks covering the kernel's packages, one description each.</param>
/// <param name="Programs">Package managers found (name to path): dnf, dnf5, yum, apt-get.</param>
/// <param name="RpmDatabasePath">The rpm database inside the root, for dnf under an alternate root.</param>
internal sealed record RemovalRequest(
    string KernelVersion,
    HostFamily Family,
    string RootPath,
    bool IsHostRoot,
    string? RunningKernel,
    NextBoot NextBoot,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyDictionary<string, KernelHealth> Health,
    IReadOnlyList<InstalledPackage> Packages,
    IReadOnlyList<InstalledPackage> Dependents,
    IReadOnlyList<string> Locks,
    bool Force,
    IReadOnlyDictionary<string, string> Programs,
    string RpmDatabasePath)
{
    /// <summary>The private HOME dnf gets under an alternate root (created for the command and deleted after it).</summary>
    public string PrivateHome { get; init; } = TemporaryDirectories.NewPath();
}
