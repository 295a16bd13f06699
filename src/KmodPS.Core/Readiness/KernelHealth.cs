using KmodPS.Core.Boot;
using KmodPS.Core.Models;

namespace KmodPS.Core.Readiness;

/// <summary>
/// The one rule for whether a kernel is fit for this host, used by Set-DefaultKernel, the update guard, Remove-Kernel,
/// Test-KernelUpdate and the metrics. Healthy: no status row that is a problem (Missing, Stale, Mismatch, Untrusted,
/// Broken) apart from Added (DKMS source never built: not something any kernel had). Stale counts: a DKMS build older
/// than the headers it was built against may not match the kernel. Bootable: the kernel has an image and a boot entry
/// that starts it.
/// </summary>
/// <param name="Problems">The problem rows, for messages (<c>nvidia Missing</c>).</param>
public sealed record KernelHealth(string KernelVersion, bool IsHealthy, IReadOnlyList<ModuleStatus> Problems)
{
    /// <summary>The health of every kernel named, from one set of status rows (kernels without rows are healthy).</summary>
    public static IReadOnlyDictionary<string, KernelHealth> Evaluate(IEnumerable<string> kernels, IReadOnlyList<ModuleStatus> rows) =>
        kernels.Distinct(StringComparer.Ordinal).ToDictionary(k => k, k => Of(k, rows), StringComparer.Ordinal);

    /// <summary>The health of one kernel.</summary>
    public static KernelHealth Of(string kernelVersion, IReadOnlyList<ModuleStatus> rows)
    {
        var problems = rows.Where(r => r.KernelVersion == kernelVersion && IsUnhealthy(r)).ToList();
        return new KernelHealth(kernelVersion, problems.Count == 0, problems);
    }

    /// <summary>A row that makes its kernel unhealthy.</summary>
    public static bool IsUnhealthy(ModuleStatus row) => row.IsProblem && row.State != ModuleState.Added;

    /// <summary>The problems as one line: <c>nvidia (Missing), nvidia_drm (Stale)</c>.</summary>
    public string Summary => string.Join(", ", Problems.Select(p => $"{p.Name} ({p.State})"));

    /// <summary>The distinct module names with a problem.</summary>
    public IReadOnlyList<string> ModuleNames => Problems.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Why <paramref name="kernel"/> cannot boot (no image, or no boot entry among <paramref name="entries"/>); null when it can.</summary>
    public static string? WhyNotBootable(InstalledKernel kernel, IEnumerable<BootEntry> entries, string rootPath) =>
        kernel.ImagePath is null ? $"Kernel {kernel.KernelVersion} has no kernel image under {rootPath}: it cannot boot."
        : NextBootResolver.FindEntryForKernel(entries, kernel.KernelVersion) is null
            ? $"No boot entry starts kernel {kernel.KernelVersion} under {rootPath} (regenerate the boot loader's entries first)."
            : null;

    /// <summary>The kernels among <paramref name="kernels"/> that can boot.</summary>
    public static IReadOnlySet<string> Bootable(IEnumerable<InstalledKernel> kernels, IReadOnlyList<BootEntry> entries) =>
        kernels.Where(k => WhyNotBootable(k, entries, string.Empty) is null).Select(k => k.KernelVersion).ToHashSet(StringComparer.Ordinal);
}
