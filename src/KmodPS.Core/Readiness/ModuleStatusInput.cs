using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;

namespace KmodPS.Core.Readiness;

/// <summary>Everything read from a host that decides its module status; the planner turns it into rows.</summary>
internal sealed record ModuleStatusInput(
    string Root,
    HostFamily Family,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyDictionary<string, KernelModuleTree> Trees,
    IReadOnlyList<DkmsEntry> Dkms,
    IReadOnlyDictionary<string, string> Owners,
    IReadOnlyDictionary<string, LoadedModule> Loaded,
    string? RunningKernel,
    string? NextBootKernel,
    bool SecureBootEnforcing,
    Func<string, ModuleSignature?, bool> IsTrusted,
    IReadOnlyDictionary<string, (string File, DateTime ChangedUtc)?> HeadersChanged,
    IReadOnlySet<string> AkmodPackages)
{
    /// <summary>Module files a package or modules.dep says should exist (<see cref="ModuleWitness"/>).</summary>
    public IReadOnlyList<ModuleWitness> Witnesses { get; init; } = Array.Empty<ModuleWitness>();
}
