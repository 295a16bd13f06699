using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Everything read from a host that decides its module status; the planner turns it into rows. <see cref="SameBytes"/>
/// tells whether an installed module file is a DKMS build's file (built path, installed path); without it they are taken as equal.
/// <see cref="KernelOptions"/> holds, by kernel, the options its headers' .config enables, read only when a dkms.conf has BUILD_EXCLUSIVE_CONFIG.
/// </summary>
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
    Func<string, ModuleSignature?, SignatureCheck> CheckSignature,
    IReadOnlyDictionary<string, (string File, DateTime ChangedUtc)?> HeadersChanged,
    IReadOnlySet<string> AkmodPackages,
    Func<string, string, bool>? SameBytes = null,
    IReadOnlyDictionary<string, IReadOnlySet<string>>? KernelOptions = null)
{
    /// <summary>Module files a package or modules.dep says should exist (<see cref="ModuleWitness"/>).</summary>
    public IReadOnlyList<ModuleWitness> Witnesses { get; init; } = Array.Empty<ModuleWitness>();
}
