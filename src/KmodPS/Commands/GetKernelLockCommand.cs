using System.Management.Automation;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Lists kernel-related package locks from the host's lock stores.</summary>
[Cmdlet(VerbsCommon.Get, "KernelLock")]
public sealed class GetKernelLockCommand : PSCmdlet
{
    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Get-KernelLock"));
}
