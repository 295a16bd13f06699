using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Removes exactly what Install-KernelUpdateGuard added: its hooks, its state file if it created it, the directories it created if empty.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class UninstallKernelUpdateGuardCommand : KmodRootCommand
{

    protected override void ProcessRecord()
    {
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var family = new KernelHostReader(root).Read(new DiagnosticLog()).Family;
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            WriteWarning($"{stateError}; only KmodPS-marked hooks at the standard paths are removed, the state file stays.");
        }
        ApplyChange(GuardUninstallPlanner.Plan(root, family, state), root);
    }
}
