using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;

namespace KmodPS.Commands;

/// <summary>Describes the system under a root: distribution family (from os-release) and running kernel.</summary>
[Cmdlet(VerbsCommon.Get, "KernelHost")]
[OutputType(typeof(KernelHost))]
public sealed class GetKernelHostCommand : KmodCommand
{
    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var log = new DiagnosticLog();
        var host = new KernelHostReader(root).Read(log);
        WriteDiagnostics(log);
        WriteObject(host);
    }
}
