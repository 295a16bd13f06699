using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Pins kernel packages at a version, or excludes bad kernel releases, through the host's package manager.</summary>
[Cmdlet(VerbsCommon.Lock, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PinSet)]
public sealed class LockKernelCommand : PSCmdlet
{
    private const string PinSet = "Pin";
    private const string ExcludeSet = "Exclude";

    /// <summary>The kernel release to pin.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PinSet)]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>Kernel releases to block while other kernel updates still flow.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ExcludeSet)]
    public string[] Exclude { get; set; } = Array.Empty<string>();

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Lock-Kernel"));
}
