using KmodPS.Core.Readiness;
using KmodPS.Core.Models;

namespace KmodPS.Core.Metrics;

/// <summary>KmodPS's metric families from a status snapshot, an update check and the kernel locks.</summary>
internal static class KmodMetrics
{
    public static IReadOnlyList<MetricFamily> From(IReadOnlyList<ModuleStatus> rows, string? nextBootKernel, bool? updateReady, int? lockedKernels, int? heldBackKernels = null)
    {
        var families = new List<MetricFamily>
        {
            new("kmodps_module_state", "Out-of-tree kernel module state per kernel: 1 for the state the module is in.", "gauge",
                rows.Select(r => new MetricSample(Labels(("kernel", r.KernelVersion), ("module", r.Name), ("provider", r.Provider.ToString()), ("state", r.State.ToString())), 1)).ToList()),
            new("kmodps_next_boot_ready", "1 when the kernel that boots next has every out-of-tree module the host needs, 0 when not, NaN when the next boot kernel is unknown.", "gauge",
                new[] { new MetricSample(Labels(("kernel", nextBootKernel ?? string.Empty)), NextBootReady(rows, nextBootKernel)) }),
        };
        if (updateReady is not null)
        {
            families.Add(new("kmodps_update_ready", "1 when every candidate kernel (repository and installed) will have its modules (Test-KernelUpdate).", "gauge",
                new[] { new MetricSample(Array.Empty<KeyValuePair<string, string>>(), updateReady.Value ? 1 : 0) }));
        }
        if (lockedKernels is not null)
        {
            families.Add(new("kmodps_locked_kernels", "Number of kernel releases pinned or excluded in the package manager.", "gauge",
                new[] { new MetricSample(Array.Empty<KeyValuePair<string, string>>(), lockedKernels.Value) }));
        }
        if (heldBackKernels is not null)
        {
            families.Add(new("kmodps_held_back_kernels", "Number of repository kernels newer than every installed one that locks or excludes keep out of the update (Test-KernelUpdate).", "gauge",
                new[] { new MetricSample(Array.Empty<KeyValuePair<string, string>>(), heldBackKernels.Value) }));
        }
        return families;
    }

    private static double NextBootReady(IReadOnlyList<ModuleStatus> rows, string? kernel) =>
        kernel is null ? double.NaN : KernelHealth.Of(kernel, rows).IsHealthy ? 1 : 0;

    private static IReadOnlyList<KeyValuePair<string, string>> Labels(params (string Key, string Value)[] labels) =>
        labels.Select(l => new KeyValuePair<string, string>(l.Key, l.Value)).ToList();
}
