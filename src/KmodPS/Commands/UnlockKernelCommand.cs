using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Removes kernel locks that KmodPS added (or, with -All, every kernel lock).</summary>
[Cmdlet(VerbsCommon.Unlock, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KernelLock))]
public sealed class UnlockKernelCommand : KmodRootCommand
{
    private readonly Dictionary<string, List<string>> _kernelsByRoot = new(StringComparer.Ordinal);

    /// <summary>The kernel releases to unlock.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>Remove every kernel lock, not only those KmodPS made.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>Emit the locks that were removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // The kernels of one root are unlocked in one change (one confirmation), once the pipeline has named them all.
    protected override void ProcessRecord()
    {
        // A pipeline object without a release (a metapackage hold) must not widen the request to every lock.
        if (MyInvocation.ExpectingInput && KernelVersion is not { Length: > 0 })
        {
            WriteVerbose("An input object without KernelVersion was skipped.");
            return;
        }
        var versions = KernelVersion ?? Array.Empty<string>();
        Array.ForEach(versions, RequireValidKernelVersion);
        var key = Root ?? "/";
        if (!_kernelsByRoot.TryGetValue(key, out var kernels))
        {
            _kernelsByRoot[key] = kernels = new List<string>();
        }
        kernels.AddRange(versions);
    }

    protected override void EndProcessing()
    {
        foreach (var (rootText, kernels) in _kernelsByRoot)
        {
            if (ResolveRoot(rootText) is not { } root)
            {
                continue;
            }
            var log = new DiagnosticLog();
            var snapshot = new LockSnapshotReader(root, Runner).Read(log, readPackages: false);
            log.Warnings.ToList().ForEach(WriteWarning);
            var plan = LockPlanner.Unlock(snapshot, kernels.Distinct(StringComparer.Ordinal).ToList(), All);
            if (ApplyChange(plan, root) is not null && PassThru && plan.Journal is LockJournal journal)
            {
                journal.Removed.ToList().ForEach(WriteObject);
            }
        }
    }
}
