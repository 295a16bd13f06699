using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Removes kernel locks that KmodPS added (or, with -All, every kernel lock).</summary>
[Cmdlet(VerbsCommon.Unlock, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class UnlockKernelCommand : PSCmdlet
{
    /// <summary>The kernel releases to unlock.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>Remove every kernel lock, not only those KmodPS made.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Unlock-Kernel"));
}
