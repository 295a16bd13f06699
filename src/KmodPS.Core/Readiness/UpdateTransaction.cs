using KmodPS.Core.Packages;

namespace KmodPS.Core.Readiness;

/// <summary>
/// What the package manager's update would do to the kernels: the repository kernels newer than every installed one,
/// those it installs, those locks or excludes hold back (with what holds them), those it removes (dnf's
/// installonly_limit, apt's autoremoval), the modules installed kernels lose to a kmod upgrade, and per kernel the
/// packages it installs and removes.
/// </summary>
internal sealed record UpdateTransaction(
    IReadOnlyList<string> OfferedKernels,
    IReadOnlySet<string> InstalledKernels,
    IReadOnlyDictionary<string, string> HeldBack,
    IReadOnlyList<string> RemovedKernels,
    IReadOnlyList<ModuleLoss> ModuleLosses,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Installs,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Removes,
    IReadOnlyList<RepositoryPackage> Allowed)
{
    /// <summary>Packages apt keeps back (held or pinned); dnf's holds are in <see cref="HeldBack"/>.</summary>
    public IReadOnlyList<string> KeptBack { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> PackagesInstalled(string kernel) => Installs.GetValueOrDefault(kernel) ?? Array.Empty<string>();

    public IReadOnlyList<string> PackagesRemoved(string kernel) => Removes.GetValueOrDefault(kernel) ?? Array.Empty<string>();
}

/// <summary>A kernel that stays installed but loses <see cref="Module"/>: its kmod package is upgraded to a build for another kernel.</summary>
internal sealed record ModuleLoss(string Kernel, string Module, string Package, string Replacement, string ReplacementKernel);
