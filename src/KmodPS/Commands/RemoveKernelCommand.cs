using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Removal;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>
/// Removes a kernel's packages through the package manager (dnf remove, apt-get purge), refusing the running kernel,
/// the next-boot kernel, a locked kernel and the last healthy kernel whatever -Force says.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveKernelCommand : KmodRootCommand
{
    /// <summary>The kernel releases to remove (the RPM version-release without the architecture also works).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[] KernelVersion { get; set; } = Array.Empty<string>();

    /// <summary>Also remove the packages that depend on the kernel's packages (kmods built for it, Debian metapackages). Never overrides a protection.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        // Every name is validated before anything is read or changed.
        if (KernelVersion.Length == 0)
        {
            RequireValidKernelVersion(string.Empty);
        }
        KernelVersion.ToList().ForEach(RequireValidKernelVersion);
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var removal = new KernelRemoval(root, Runner, WriteVerbose);
        foreach (var name in KernelVersion)
        {
            ApplyChange(removal.Plan(name, Force), root);
        }
    }
}
