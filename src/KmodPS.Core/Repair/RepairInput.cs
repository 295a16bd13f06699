using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Repair;

/// <summary>
/// Everything the repair planner decides on; read by <see cref="RepairReader"/>, or built by hand in tests.
/// <see cref="InstallOnlyPackages"/> are the root's extra dnf <c>installonlypkgs</c> (provide names installed
/// beside other versions instead of upgrading them).
/// </summary>
public sealed record RepairInput(
    string Root,
    bool IsHostRoot,
    HostFamily Family,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyList<ModuleStatus> Rows,
    IReadOnlyList<DkmsEntry> Dkms,
    IReadOnlyList<RepairPair> Pairs,
    RepairTools Tools,
    IReadOnlyList<RepositoryPackage>? Repository,
    string? RepositoryProblem,
    bool SecureBootEnforcing,
    string? DkmsCertificatePath,
    IReadOnlyList<string>? InstallOnlyPackages = null);
