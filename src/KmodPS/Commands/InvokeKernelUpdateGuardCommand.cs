using System.Management.Automation.Runspaces;
using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>
/// The update guard's check of one kernel (what the hooks run): keeps or moves the boot default on the newest
/// healthy kernel when the kernel lacks modules, promotes it with -Promote when it is healthy, records the verdict.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KernelGuardDecision))]
public sealed class InvokeKernelUpdateGuardCommand : PSCmdlet, IDisposable
{
    private const string RepairCommand = "Repair-KernelModule";

    private VerboseCommandRunner? _runner;

    /// <summary>The kernel to check, usually the one just installed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>The system root to check and change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Run Repair-KernelModule for the kernel first (when this KmodPS has it).</summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>Make the kernel the boot default when it has every module the host needs.</summary>
    [Parameter]
    public SwitchParameter Promote { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        if (!KernelRelease.IsValid(KernelVersion))
        {
            ThrowTerminatingError(KernelVersionFilter.InvalidKernelVersion(KernelVersion));
            return;
        }
        var root = RootResolver.Resolve(this, Root);
        var kernel = KernelNameMatcher.Match(new InstalledKernelReader(root).Read().Items.Select(k => k.KernelVersion), KernelVersion);
        if (kernel is null)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{KernelVersion}' is installed under {root.RootPath}.", KernelVersion));
            return;
        }
        var repair = Repair ? RunRepair(root, kernel) : "NotRequested";
        // Read after the repair: its builds change the status.
        var snapshot = new ModuleStatusReader(root, _runner!).Read();
        var health = KernelHealth.Evaluate(snapshot.Kernels.Select(k => k.KernelVersion), snapshot.Rows);
        var bootable = KernelHealth.Bootable(snapshot.Kernels, new NextBootResolver(root).ReadEntries().Items);
        var decision = GuardPlanner.Decide(kernel, health, bootable, snapshot.NextBoot, Promote);
        var (action, applied, summary) = Act(root, decision);
        var after = new NextBootResolver(root).Resolve(new DiagnosticLog()).KernelVersion;
        var result = new KernelGuardDecision(kernel, decision.Health.IsHealthy, decision.Health.Problems.Select(p => $"{p.Name} ({p.State})").Distinct().ToList(),
            action, decision.DefaultBefore, after, decision.LastHealthyKernel, repair, applied, summary, DateTime.UtcNow, root.RootPath);
        // One warning, naming the missing modules, whenever the kernel or the next boot is not right.
        if (!decision.Health.IsHealthy || action is GuardAction.RolledBack or GuardAction.RolledBackOnce or GuardAction.NoHealthyKernel or GuardAction.Failed)
        {
            WriteWarning(summary);
        }
        else
        {
            WriteVerbose(summary);
        }
        Record(root, result);
        WriteObject(result);
    }

    private (GuardAction Action, bool Applied, string Summary) Act(ISystemRoot root, GuardDecisionPlan decision)
    {
        if (decision.Target is not { } target)
        {
            return (decision.Action, true, decision.Summary);
        }
        var change = new DefaultKernelSwitch(root, _runner!);
        var plan = change.Plan(target);
        var action = decision.Action;
        var summary = decision.Summary;
        // GRUB honours next_entry whatever GRUB_DEFAULT says: a rollback can still protect the next boot.
        if (plan.Refusals.FirstOrDefault()?.ErrorId == ErrorIds.GrubDefaultNotSaved && action == GuardAction.RolledBack)
        {
            var once = change.Plan(target, once: true);
            if (!once.IsRefused)
            {
                (plan, action) = (once, GuardAction.RolledBackOnce);
                summary += $" GRUB_DEFAULT is not 'saved', so only the next boot starts {target} (next_entry); later boots start "
                    + $"{decision.DefaultBefore ?? "the old default"} again until GRUB_DEFAULT=saved (Set-DefaultKernel {target} -Force).";
            }
        }
        if (plan.IsRefused)
        {
            WriteError(ErrorRecordFactory.From(plan.Refusals[0]));
            return (GuardAction.Failed, false, $"{decision.Summary} Changing the boot default failed, nothing was changed: {plan.Refusals[0].Message}");
        }
        var what = action == GuardAction.RolledBackOnce ? "Boot it next, once: " : "Make it the boot default: ";
        if (!ShouldProcess(target, what + string.Join("; ", plan.Describe())))
        {
            return (action, false, summary);
        }
        plan.Warnings.ToList().ForEach(WriteWarning);
        if (new ChangeExecutor(root, _runner!, WriteVerbose).Execute(plan).Failure is { } failure)
        {
            WriteError(ErrorRecordFactory.From(failure));
            return (GuardAction.Failed, false, $"{summary} Changing the boot default failed: {failure.Message}");
        }
        return (action, true, summary);
    }

    private string RunRepair(ISystemRoot root, string kernel)
    {
        if (InvokeCommand.GetCommand(RepairCommand, CommandTypes.Cmdlet | CommandTypes.Function) is null)
        {
            WriteWarning($"{RepairCommand} is not available in this KmodPS: the repair step is skipped.");
            return "Unavailable";
        }
        if (!ShouldProcess(kernel, $"Repair its modules first ({RepairCommand} -KernelVersion {kernel} -Root {root.RootPath})"))
        {
            return "Skipped";
        }
        try
        {
            var output = InvokeCommand.InvokeScript(
                $"param($k, $r) {RepairCommand} -KernelVersion $k -Root $r -Confirm:$false 2>&1", true, PipelineResultTypes.None, null, kernel, root.RootPath);
            var errors = output.Select(o => o?.BaseObject).OfType<ErrorRecord>().ToList();
            errors.ForEach(e => WriteWarning($"{RepairCommand}: {e}"));
            return errors.Count == 0 ? "Ran" : $"Ran with {errors.Count} error(s): {errors[0]}";
        }
        catch (RuntimeException e)
        {
            WriteWarning($"{RepairCommand} failed: {e.Message}");
            return "Failed: " + e.Message;
        }
    }

    private void Record(ISystemRoot root, KernelGuardDecision decision)
    {
        if (!ShouldProcess(root.MapPath(GuardLayout.StatePath), $"Record the verdict for {decision.KernelVersion}"))
        {
            return;
        }
        if (RootChangeLock.Around(root, () => RecordHeld(root, decision), refusal => refusal with { Target = decision.KernelVersion }) is { } failure)
        {
            WriteError(ErrorRecordFactory.From(failure));
        }
    }

    // Read and written under the root's change lock: another guard run must not interleave its verdict.
    private Failure? RecordHeld(ISystemRoot root, KernelGuardDecision decision)
    {
        var state = GuardStateFile.Read(root, out var error);
        if (error is not null)
        {
            WriteWarning($"{error}; it is replaced by a new state file.");
        }
        try
        {
            GuardStateFile.Write(root, (state ?? new GuardState()) with
            {
                LastHealthyKernel = decision.LastHealthyKernel,
                LastDecision = GuardDecisionRecord.From(decision),
            });
            return null;
        }
        catch (PathOutsideRootException e)
        {
            return new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, decision.KernelVersion);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Failure(ErrorIds.GuardStateNotWritten, FailureCategory.WriteError, $"The verdict could not be recorded in {root.MapPath(GuardLayout.StatePath)}: {e.Message}", decision.KernelVersion);
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
