using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Makes a kernel the boot default (or the next boot's kernel) through the host's own bootloader tooling.</summary>
[Cmdlet(VerbsCommon.Set, "DefaultKernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(InstalledKernel))]
public sealed class SetDefaultKernelCommand : KmodRootCommand
{
    /// <summary>The kernel release to boot (the RPM version-release without the architecture also works).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>Boot the kernel on the next boot only.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Proceed despite KmodPS's own refusals: a kernel with module problems; GRUB_DEFAULT not saved (it is switched to saved).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the kernel object after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        RequireValidKernelVersion(KernelVersion);
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var change = DefaultKernelChange.For(root, Runner, KernelVersion, Once, Force);
        if (ApplyChange(change.Plan, root) is not null && PassThru)
        {
            WriteObject(change.Kernel!.WithBoot(true, change.Entry!.MenuPath));
        }
    }
}
