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
public sealed class UnlockKernelCommand : PSCmdlet, IDisposable
{
    private readonly Dictionary<string, List<string>> _kernelsByRoot = new(StringComparer.Ordinal);
    private VerboseCommandRunner? _runner;
    private bool _invalidInput;

    /// <summary>The kernel releases to unlock.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>Remove every kernel lock, not only those KmodPS made.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Emit the locks that were removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        // A pipeline object without a release (a metapackage hold) must not widen the request to every lock.
        if (MyInvocation.ExpectingInput && KernelVersion is not { Length: > 0 })
        {
            WriteVerbose("An input object without KernelVersion was skipped.");
            return;
        }
        var kernels = _kernelsByRoot.TryGetValue(Root ?? "/", out var list) ? list : _kernelsByRoot[Root ?? "/"] = new List<string>();
        foreach (var version in KernelVersion ?? Array.Empty<string>())
        {
            if (!KernelRelease.IsValid(version))
            {
                WriteError(KernelVersionFilter.InvalidKernelVersion(version));
                _invalidInput = true;
                continue;
            }
            kernels.Add(version);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var (rootText, kernels) in _kernelsByRoot)
        {
            // Only invalid versions were given for this root: never widen that to "every lock".
            if (_invalidInput && kernels.Count == 0)
            {
                continue;
            }
            Unlock(rootText, kernels);
        }
    }

    private void Unlock(string rootText, List<string> kernels)
    {
        var root = RootResolver.Resolve(this, rootText);
        var log = new DiagnosticLog();
        var snapshot = new LockSnapshotReader(root, _runner!).Read(log, readPackages: false);
        log.Warnings.ToList().ForEach(WriteWarning);
        var plan = LockPlanner.Unlock(snapshot, kernels.Distinct(StringComparer.Ordinal).ToList(), All);
        plan.Warnings.ForEach(WriteWarning);
        plan.Notes.ForEach(WriteVerbose);
        if (plan.Failures.Count > 0)
        {
            plan.Failures.ForEach(f => WriteError(ErrorRecordFactory.From(f)));
            return;
        }
        if (!plan.HasChanges)
        {
            LockChange.SettleInterrupted(this, snapshot, root, _runner!);
            return;
        }
        var what = $"Unlock {(kernels.Count == 0 ? "all kernels" : "kernel " + string.Join(", ", kernels))} ({(All ? "every kernel lock" : "locks KmodPS added")})";
        if (LockChange.Apply(this, what, "Unlock-Kernel", plan, snapshot, root, _runner!) is { } outcome && PassThru)
        {
            outcome.Removed.ToList().ForEach(WriteObject);
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
