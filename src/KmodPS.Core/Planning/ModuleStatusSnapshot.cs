using KmodPS.Boot;
using KmodPS.Diagnostics;
using KmodPS.Dkms;
using KmodPS.Models;
using KmodPS.Modules;
using KmodPS.SecureBoot;

namespace KmodPS.Planning;

/// <summary>The state read by <see cref="ModuleStatusReader"/>, kept for callers that need more than the rows.</summary>
public sealed record ModuleStatusSnapshot(
    KernelHost Host,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyDictionary<string, KernelModuleTree> Trees,
    NextBoot NextBoot,
    SecureBootState SecureBoot,
    IReadOnlyList<ModuleStatus> Rows,
    IReadOnlyList<DkmsEntry> Dkms,
    DiagnosticLog Log);
