using KmodPS.Core.Diagnostics;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Metrics;

/// <summary>Export-KernelModuleMetrics's text: the module status, the update check (optional) and the locks of a root.</summary>
public static class MetricsExport
{
    /// <summary>
    /// The Prometheus text. A metrics job must not fail on a read problem: the read's failures become warnings in
    /// <paramref name="log"/>, and a failed package query makes kmodps_update_ready 0 (fail closed).
    /// </summary>
    public static string Read(ISystemRoot root, ICommandRunner runner, bool checkUpdates, DiagnosticLog log)
    {
        bool? updateReady = null;
        int? heldBackKernels = null;
        ModuleStatusSnapshot snapshot;
        if (checkUpdates)
        {
            // Cached metadata only: a metrics job must not hit the network or block on repositories.
            var update = new UpdateReadinessReader(root, runner).Check(null, includeRepository: true, includeInstalled: true, offline: true);
            updateReady = update.Ready;
            heldBackKernels = update.HeldBackKernels;
            snapshot = update.Snapshot;
        }
        else
        {
            snapshot = new ModuleStatusReader(root, runner).Read();
        }
        snapshot.Log.Failures.ToList().ForEach(f => log.Warn(f.Message));
        var lockedKernels = new KernelLockReader(root).Read().Items.Select(l => l.KernelVersion ?? l.Version ?? l.Entry).Distinct(StringComparer.Ordinal).Count();
        return PrometheusText.Write(KmodMetrics.From(snapshot.Rows, snapshot.NextBoot.KernelVersion, updateReady, lockedKernels, heldBackKernels));
    }
}
