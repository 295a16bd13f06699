using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;

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
    Func<string, ModuleSignature?, SignatureCheck> CheckSignature,
    IReadOnlyDictionary<string, (string File, DateTime ChangedUtc)?> HeadersChanged,
    IReadOnlySet<string> AkmodPackages);
