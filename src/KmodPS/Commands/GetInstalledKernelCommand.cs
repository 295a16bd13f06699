using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;

namespace KmodPS.Commands;

/// <summary>Lists the kernels installed under a system root.</summary>
[Cmdlet(VerbsCommon.Get, "InstalledKernel")]
[OutputType(typeof(InstalledKernel))]
public sealed class GetInstalledKernelCommand : KmodRootCommand
{
    /// <summary>Kernel releases to list (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    protected override void ProcessRecord()
    {
        if (SelectKernels(KernelVersion) is { } kernels && ResolveRoot(Root) is { } root)
        {
            WriteReport(new InstalledKernelQuery(Runner).Read(root, kernels));
        }
    }
}
