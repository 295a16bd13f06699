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
public sealed class LockKernelCommand : KmodRootCommand
{
    private const string PinSet = "Pin";
    private const string ExcludeSet = "Exclude";

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

    /// <summary>Emit the kernel's locks after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var pin = ParameterSetName == PinSet;
        var versions = pin ? new[] { KernelVersion } : Exclude;
        if (versions.Length == 0)
        {
            RequireValidKernelVersion(null);
        }
        Array.ForEach(versions, RequireValidKernelVersion);
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var log = new DiagnosticLog();
        var snapshot = new LockSnapshotReader(root, Runner).Read(log, readPackages: pin);
        log.Warnings.ToList().ForEach(WriteWarning);
        if (log.Failures.Count > 0)
        {
            log.Failures.ToList().ForEach(f => WriteFailure(f with { Target = versions[0] }));
            return;
        }
        var plan = pin ? LockPlanner.Pin(snapshot, KernelVersion) : LockPlanner.Exclude(snapshot, versions);
        if (ApplyChange(plan, root) is not null && PassThru)
        {
            new KernelLockReader(root).Read().Items.Where(l => versions.Any(v => KernelRelease.Same(l.KernelVersion, v))).ToList().ForEach(WriteObject);
        }
    }
}
