using System.Management.Automation;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>One row per out-of-tree module and installed kernel, with state and trust.</summary>
[Cmdlet(VerbsCommon.Get, "KernelModuleStatus")]
public sealed class GetKernelModuleStatusCommand : PSCmdlet
{
    /// <summary>Kernel releases to report (wildcards allowed); all installed kernels when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? KernelVersion { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Get-KernelModuleStatus"));
}
