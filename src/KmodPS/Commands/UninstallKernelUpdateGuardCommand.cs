using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Removes exactly what Install-KernelUpdateGuard added: its hooks, its state file if it created it, the directories it created if empty.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class UninstallKernelUpdateGuardCommand : PSCmdlet
{
    /// <summary>The system root to uninstall from instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void ProcessRecord()
    {
        var root = RootResolver.Resolve(this, Root);
        var host = new KernelHostReader(root).Read(new DiagnosticLog());
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            WriteWarning($"{stateError}; only KmodPS-marked hooks at the standard paths are removed, the state file stays.");
        }
        var plan = GuardUninstallPlanner.Plan(root, host.Family, state);
        plan.Kept.ToList().ForEach(k => WriteWarning($"Left alone: {k}."));
        if (plan.IsNoOp)
        {
            WriteVerbose($"No kernel update guard is installed under {root.RootPath}.");
            return;
        }
        if (!ShouldProcess(root.RootPath, "Uninstall the kernel update guard: " + string.Join("; ", plan.Describe())))
        {
            return;
        }
        if (new GuardInstaller(root, WriteVerbose).Uninstall(plan) is { } failure)
        {
            ThrowTerminatingError(ErrorRecordFactory.From(failure));
        }
    }
}
