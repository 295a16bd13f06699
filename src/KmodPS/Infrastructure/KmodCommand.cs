using System.Management.Automation;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>
/// What every KmodPS cmdlet shares: the command runner's lifetime (stopped by Ctrl+C), -Root resolution, the one way
/// diagnostics reach the streams, and the one rule for terminating errors: a bad argument is terminating before any
/// work; a failure for one target (a kernel, a root from the pipeline, a module) is a non-terminating error, so the
/// other targets go on and <c>-ErrorAction Stop</c> makes it terminating where a script wants that.
/// </summary>
public abstract class KmodCommand : PSCmdlet, IDisposable
{
    private ICommandRunner? _runner;
    private Action? _stop;
    private Action? _dispose;

    /// <summary>The runner for host tools; its command lines go to the verbose stream.</summary>
    private protected ICommandRunner Runner => _runner ??= CreateRunner();

    /// <summary>Repair-KernelModule streams the tools' output instead.</summary>
    private protected virtual ICommandRunner CreateRunner()
    {
        var runner = new VerboseCommandRunner(WriteVerbose);
        (_stop, _dispose) = (runner.Stop, runner.Dispose);
        return runner;
    }

    private protected void OwnRunner(Action stop, Action dispose) => (_stop, _dispose) = (stop, dispose);

    /// <summary>
    /// The root a -Root value names. When it cannot be used, a -Root given on the command line is a bad argument
    /// (terminating); one that came from the pipeline fails that input only (non-terminating), and null is returned.
    /// </summary>
    private protected ISystemRoot? ResolveRoot(string? root)
    {
        if (RootResolver.TryResolve(this, root, out var systemRoot, out var error))
        {
            return systemRoot;
        }
        if (MyInvocation.ExpectingInput)
        {
            WriteError(error);
            return null;
        }
        ThrowTerminatingError(error);
        return null;
    }

    /// <summary>A kernel release the user typed: an invalid one is a bad argument, terminating before any work.</summary>
    private protected void RequireValidKernelVersion(string? version)
    {
        if (!KernelRelease.IsValid(version))
        {
            ThrowTerminatingError(ErrorRecordFactory.From(KernelSelection.InvalidKernelVersion(version)));
        }
    }

    /// <summary>
    /// The -KernelVersion of a read (releases or wildcard patterns). An invalid one typed on the command line is a bad
    /// argument, terminating before any work; one that came from the pipeline fails that input only, as a bad -Root
    /// does (<see cref="ResolveRoot"/>), and null is returned.
    /// </summary>
    private protected KernelSelection? SelectKernels(string[]? versions)
    {
        if (KernelSelection.Parse(versions, out var invalid) is { } selection)
        {
            return selection;
        }
        var error = ErrorRecordFactory.From(invalid!);
        if (MyInvocation.ExpectingInput)
        {
            WriteError(error);
            return null;
        }
        ThrowTerminatingError(error);
        return null;
    }

    /// <summary>Warnings to the warning stream, their details to the verbose stream, failures as non-terminating errors.</summary>
    private protected void WriteDiagnostics(DiagnosticLog log)
    {
        log.Warnings.ToList().ForEach(WriteWarning);
        log.Details.ToList().ForEach(WriteVerbose);
        log.Failures.ToList().ForEach(WriteFailure);
    }

    /// <summary>A Core read's diagnostics, then its items to the output.</summary>
    private protected void WriteReport<T>(Report<T> report)
    {
        report.Warnings.ToList().ForEach(WriteWarning);
        report.Details.ToList().ForEach(WriteVerbose);
        report.Failures.ToList().ForEach(WriteFailure);
        report.Items.ToList().ForEach(item => WriteObject(item));
    }

    private protected void WriteFailure(Failure failure) => WriteError(ErrorRecordFactory.From(failure));

    /// <summary>
    /// The one confirm-then-apply step of every changing cmdlet: a refusal is an error; a no-op says so on the verbose
    /// stream; otherwise ShouldProcess names the target and lists every step, and the change runs through
    /// <see cref="ChangeExecutor"/>. Returns the outcome when the change was applied (or nothing needed changing).
    /// </summary>
    private protected ChangeOutcome? ApplyChange(ChangePlan plan, ISystemRoot root)
    {
        plan.Notes.ToList().ForEach(WriteVerbose);
        var executor = new ChangeExecutor(root, Runner, WriteVerbose);
        if ((plan.IsRefused || plan.IsNoOp) && !WhatIfMode.IsOn(this))
        {
            // Changes nothing, but reclaims what killed KmodPS processes left on this host (a rerun after a kill
            // often finds the work done).
            executor.Execute(plan);
        }
        if (plan.IsRefused)
        {
            // A user who may not change the root hears that first: what it found reading as that user may be why it refused.
            if (!WhatIfMode.IsOn(this) && ChangeExecutor.RequirePrivilege(root, plan) is { } unprivileged)
            {
                WriteFailure(unprivileged);
                return null;
            }
            plan.Refusals.ToList().ForEach(WriteFailure);
            return null;
        }
        if (plan.IsNoOp)
        {
            plan.Warnings.ToList().ForEach(WriteWarning);
            return new ChangeOutcome(null, plan.Warnings, null);
        }
        if (!ShouldApply(plan))
        {
            return null;
        }
        var outcome = executor.Execute(plan);
        outcome.Warnings.ToList().ForEach(WriteWarning);
        if (outcome.Failure is { } failure)
        {
            WriteFailure(failure);
            return null;
        }
        return outcome;
    }

    /// <summary>The one confirmation of a change: ShouldProcess names the plan's target and lists every step.</summary>
    private protected bool ShouldApply(ChangePlan plan)
    {
        var steps = string.Join(Environment.NewLine, plan.Describe().Select(s => "  " + s));
        return ShouldProcess(plan.Target, $"{plan.Action}:{Environment.NewLine}{steps}");
    }

    protected override void StopProcessing() => _stop?.Invoke();

    public void Dispose()
    {
        _dispose?.Invoke();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A cmdlet that reads or changes one system root: <c>-Root</c> (default <c>/</c>, a chroot, a mounted image, a
/// New-KmodTestRoot tree), bound by property name so that objects from another KmodPS cmdlet carry their root along.
/// </summary>
public abstract class KmodRootCommand : KmodCommand
{
    /// <summary>The system root to read or change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }
}
