using System.Management.Automation;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Makes a kernel the boot default through the host's own bootloader tooling.</summary>
[Cmdlet(VerbsCommon.Set, "DefaultKernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(Models.InstalledKernel))]
public sealed class SetDefaultKernelCommand : PSCmdlet
{
    /// <summary>The kernel release to boot.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Boot the kernel on the next boot only.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Act even when the kernel has module problems, or edit GRUB_DEFAULT to saved.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the kernel object after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Set-DefaultKernel"));
}
