using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;

namespace KmodPS.Commands;

/// <summary>One row per out-of-tree module and installed kernel, with state, trust and the next boot's verdict.</summary>
[Cmdlet(VerbsCommon.Get, "KernelModuleStatus")]
[OutputType(typeof(ModuleStatus))]
public sealed class GetKernelModuleStatusCommand : KmodRootCommand
{
    // One per command: each root is read once however many pipeline inputs name it.
    private ModuleStatusQuery? _query;

    /// <summary>Kernel releases to report (wildcards allowed); all installed kernels when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>Module names to report (wildcards allowed). An exact name also finds an in-tree module.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModuleNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only rows from these providers.</summary>
    [Parameter]
    public ModuleProvider[]? Provider { get; set; }

    /// <summary>Only the kernel that boots next.</summary>
    [Parameter]
    public SwitchParameter NextBoot { get; set; }

    /// <summary>Only rows whose state is not Installed or Built.</summary>
    [Parameter]
    public SwitchParameter Problem { get; set; }

    protected override void ProcessRecord()
    {
        if (SelectKernels(KernelVersion) is not { } kernels || ResolveRoot(Root) is not { } root)
        {
            return;
        }
        _query ??= new ModuleStatusQuery(Runner);
        WriteReport(_query.Read(root, new ModuleStatusFilter(kernels, Name ?? Array.Empty<string>(), Provider ?? Array.Empty<ModuleProvider>(), NextBoot, Problem)));
    }
}
