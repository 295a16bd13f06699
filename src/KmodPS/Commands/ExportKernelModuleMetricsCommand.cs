using System.Management.Automation;
using System.Text;
using KmodPS.Core.Diagnostics;
using KmodPS.Infrastructure;
using KmodPS.Core.Metrics;
using KmodPS.Core.Platform;

namespace KmodPS.Commands;

/// <summary>Writes KmodPS's verdicts in the Prometheus textfile format for node_exporter.</summary>
[Cmdlet(VerbsData.Export, "KernelModuleMetrics", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class ExportKernelModuleMetricsCommand : KmodCommand
{
    /// <summary>The .prom file to write atomically (for node_exporter's --collector.textfile.directory); without it the text is output.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Skip Test-KernelUpdate (no package-manager query; kmodps_update_ready is left out).</summary>
    [Parameter]
    public SwitchParameter SkipUpdateCheck { get; set; }

    protected override void EndProcessing()
    {
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var log = new DiagnosticLog();
        var text = MetricsExport.Read(root, Runner, checkUpdates: !SkipUpdateCheck, log);
        WriteDiagnostics(log);
        if (Path is null)
        {
            WriteObject(text);
            return;
        }
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (ShouldProcess(target, "Write Prometheus metrics"))
        {
            // A user's path, not one under -Root: written on this machine's own root, by the same atomic writer.
            try
            {
                RootJail.Host.WriteFile(target, Encoding.UTF8.GetBytes(text));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PathOutsideRootException)
            {
                WriteFailure(new Failure(ErrorIds.OutputNotWritten, e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.WriteError,
                    $"The metrics could not be written to {target}: {e.Message}", target, "Choose a path this user may write (node_exporter's textfile directory needs root or its group)."));
            }
        }
    }
}
