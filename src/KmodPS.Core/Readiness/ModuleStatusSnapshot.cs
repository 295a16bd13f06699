using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Packages;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Readiness;

/// <summary>The state read by <see cref="ModuleStatusReader"/>, kept for callers that need more than the rows
/// (<see cref="Packages"/> is the root's package backend, chosen once for the whole read; <see cref="Leftovers"/> are the
/// module directories without a kernel image, with their owners).</summary>
public sealed record ModuleStatusSnapshot(
    KernelHost Host,
    IReadOnlyList<InstalledKernel> Kernels,
    IReadOnlyDictionary<string, KernelModuleTree> Trees,
    NextBoot NextBoot,
    SecureBootState SecureBoot,
    IReadOnlyList<ModuleStatus> Rows,
    IReadOnlyList<DkmsEntry> Dkms,
    PackageBackend Packages,
    DiagnosticLog Log,
    IReadOnlyList<KernelLeftover> Leftovers);
