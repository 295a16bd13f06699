using System.Management.Automation;
using System.Text;
using KmodPS.Infrastructure;
using KmodPS.Core.Metrics;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;

namespace KmodPS.Commands;

/// <summary>Writes KmodPS's verdicts in the Prometheus textfile format for node_exporter.</summary>
[Cmdlet(VerbsData.Export, "KernelModuleMetrics", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class ExportKernelModuleMetricsCommand : PSCmdlet, IDisposable
{
    private VerboseCommandRunner? _runner;

    /// <summary>The .prom file to write atomically (for node_exporter's --collector.textfile.directory); without it the text is output.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Skip Test-KernelUpdate (no package-manager query; kmodps_update_ready is left out).</summary>
    [Parameter]
    public SwitchParameter SkipUpdateCheck { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void EndProcessing()
    {
        var root = RootResolver.Resolve(this, Root);
        bool? updateReady = null;
        ModuleStatusSnapshot snapshot;
        if (SkipUpdateCheck)
        {
            snapshot = new ModuleStatusReader(root, _runner!).Read();
        }
        else
        {
            // Cached metadata only: a metrics job must not hit the network or block on repositories.
            var update = new UpdateReadinessReader(root, _runner!).Check(null, includeRepository: true, includeInstalled: true, offline: true);
            updateReady = update.Ready;
            snapshot = update.Snapshot;
        }
        foreach (var failure in snapshot.Log.Failures)
        {
            WriteWarning(failure.Message);
        }
        var text = PrometheusText.Write(KmodMetrics.From(snapshot.Rows, snapshot.NextBoot.KernelVersion, updateReady, LockedKernels(root)));
        if (Path is null)
        {
            WriteObject(text);
            return;
        }
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (ShouldProcess(target, "Write Prometheus metrics"))
        {
            // A user's path, not one under -Root: written on this machine's own root, by the same atomic writer.
            RootJail.Host.WriteFile(target, Encoding.UTF8.GetBytes(text));
        }
    }

    private static int? LockedKernels(ISystemRoot root) =>
        new KmodPS.Core.Locks.KernelLockReader(root).Read().Items.Select(l => l.KernelVersion ?? l.Version ?? l.Entry).Distinct(StringComparer.Ordinal).Count();

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
