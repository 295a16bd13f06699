using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Core.Repair;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>
/// The update guard's check of one kernel (what the hooks run): keeps or moves the boot default on the newest
/// healthy kernel when the kernel lacks modules, promotes it with -Promote when it is healthy, records the verdict.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KernelGuardDecision))]
public sealed class InvokeKernelUpdateGuardCommand : KmodRootCommand
{
    /// <summary>The kernel to check, usually the one just installed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>Repair the kernel's modules first, as Repair-KernelModule -KernelVersion would.</summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>Make the kernel the boot default when it has every module the host needs.</summary>
    [Parameter]
    public SwitchParameter Promote { get; set; }

    protected override void ProcessRecord()
    {
        RequireValidKernelVersion(KernelVersion);
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var guard = new GuardRun(root, Runner, new GuardModules(root, Runner, WriteVerbose), WriteVerbose);
        var plan = guard.Plan(KernelVersion, Repair, Promote);
        if (plan.Refusal is { } refusal)
        {
            WriteFailure(refusal);
            return;
        }
        var steps = string.Join(Environment.NewLine, plan.Steps.Select(s => "  " + s));
        var verdict = guard.Run(plan, ShouldProcess(plan.KernelVersion, $"Run the kernel update guard:{Environment.NewLine}{steps}"));
        WriteDiagnostics(verdict.Log);
        if (verdict.Note is { } note)
        {
            WriteVerbose(note);
        }
        WriteObject(verdict.Decision);
    }
}
