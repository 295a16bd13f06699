using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Readiness;

/// <summary>The facts Test-KernelUpdate decides on (<see cref="Transaction"/>: what the package manager's update would do, when the repository was asked); <see cref="UpdateReadinessPlanner"/> is a pure function of them.</summary>
internal sealed record UpdateReadinessInput(
    string Root,
    HostFamily Family,
    string ReferenceKernel,
    IReadOnlyList<ModuleStatus> Needed,
    IReadOnlyList<UpdateCandidate> Candidates,
    IReadOnlyList<ModuleStatus> Rows,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyList<RepositoryPackage> Available,
    IReadOnlySet<string> DebianAvailable,
    IReadOnlyDictionary<string, DkmsConf?> DkmsConfs,
    bool CompilerPresent,
    bool AkmodsPresent,
    bool SecureBootEnforcing,
    bool DkmsKeyTrusted,
    string? NextBootKernel,
    string? RunningKernel = null,
    UpdateTransaction? Transaction = null,
    bool NewKernelBecomesDefault = true)
{
    /// <summary>SUSE: the symbol versions each needed KMP module imports (its __versions), by module name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, uint>> ModuleImports { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, uint>>();
}
