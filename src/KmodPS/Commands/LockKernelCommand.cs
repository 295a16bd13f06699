using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Pins kernel packages at a version, or excludes bad kernel releases, through the host's package manager.</summary>
[Cmdlet(VerbsCommon.Lock, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PinSet)]
[OutputType(typeof(KernelLock))]
public sealed class LockKernelCommand : PSCmdlet, IDisposable
{
    private const string PinSet = "Pin";
    private const string ExcludeSet = "Exclude";

    private VerboseCommandRunner? _runner;

    /// <summary>The kernel release to pin.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PinSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>Kernel releases to block while other kernel updates still flow.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ExcludeSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelCandidateCompleter))]
    public string[] Exclude { get; set; } = Array.Empty<string>();

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Emit the kernel's locks after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        var pin = ParameterSetName == PinSet;
        var versions = pin ? new[] { KernelVersion } : Exclude;
        var invalid = versions.Where(v => !KernelRelease.IsValid(v)).ToList();
        if (invalid.Count > 0 || versions.Length == 0)
        {
            invalid.ForEach(v => WriteError(KernelVersionFilter.InvalidKernelVersion(v)));
            return;
        }
        var root = RootResolver.Resolve(this, Root);
        var log = new DiagnosticLog();
        var snapshot = new LockSnapshotReader(root, _runner!).Read(log, readPackages: pin);
        log.Warnings.ToList().ForEach(WriteWarning);
        foreach (var failure in log.Failures)
        {
            WriteError(ErrorRecordFactory.From(failure with { Target = versions[0] }));
        }
        if (log.Failures.Count > 0)
        {
            return;
        }
        var plan = pin ? LockPlanner.Pin(snapshot, KernelVersion) : LockPlanner.Exclude(snapshot, versions);
        plan.Warnings.ForEach(WriteWarning);
        plan.Notes.ForEach(WriteVerbose);
        if (plan.Failures.Count > 0)
        {
            plan.Failures.ForEach(f => WriteError(ErrorRecordFactory.From(f)));
            return;
        }
        if (!plan.HasChanges)
        {
            WriteVerbose($"{string.Join(", ", versions)} {(pin ? "is already locked" : "is already excluded")}{(root.IsHostRoot ? string.Empty : " under " + root.RootPath)}: nothing to do.");
            LockChange.SettleInterrupted(this, snapshot, root, _runner!);
            PassThruLocks(root, versions);
            return;
        }
        var what = pin ? $"Lock kernel {KernelVersion} (pin its installed packages)" : $"Exclude kernel {string.Join(", ", versions)}";
        if (LockChange.Apply(this, what, "Lock-Kernel", plan, snapshot, root, _runner!) is not null)
        {
            PassThruLocks(root, versions);
        }
    }

    private void PassThruLocks(ISystemRoot root, IReadOnlyList<string> versions)
    {
        if (!PassThru)
        {
            return;
        }
        foreach (var kernelLock in new KernelLockReader(root).Read().Items.Where(l => versions.Any(v => KernelRelease.Same(l.KernelVersion, v))))
        {
            WriteObject(kernelLock);
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
