using KmodPS.Core.Models;

namespace KmodPS.Core.Guard;

/// <summary>
/// Whether a kernel has every module this host needs: no status row that is a problem (Missing, Stale, Mismatch,
/// Untrusted, Broken) apart from Added (DKMS source never built: not something any kernel had). Shared by
/// Remove-Kernel (the last healthy kernel) and the update guard.
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

    /// <summary>The problems as one line: <c>nvidia (Missing), nvidia_drm (Missing)</c>.</summary>
    public string Summary => string.Join(", ", Problems.Select(p => $"{p.Name} ({p.State})"));

    /// <summary>The distinct module names with a problem.</summary>
    public IReadOnlyList<string> ModuleNames => Problems.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
}
