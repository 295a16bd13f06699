using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;

namespace KmodPS.Commands;

/// <summary>Shows the kernel update guard of a root: hook paths, whether each is installed and current, the runner, the recorded state.</summary>
[Cmdlet(VerbsCommon.Get, "KernelUpdateGuard")]
[OutputType(typeof(KernelUpdateGuard))]
public sealed class GetKernelUpdateGuardCommand : PSCmdlet
{
    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void ProcessRecord()
    {
        var root = RootResolver.Resolve(this, Root);
        var host = new KernelHostReader(root).Read(new DiagnosticLog());
        var warnings = new List<string>();
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            warnings.Add(stateError);
        }
        if (host.Family is not (HostFamily.Debian or HostFamily.RedHat))
        {
            warnings.Add($"The kernel update guard supports the Debian and RHEL families; {root.RootPath} is {host.Family}.");
        }
        var guard = GuardInspector.Inspect(root, host.Family, state, warnings);
        warnings.ForEach(WriteWarning);
        WriteObject(guard);
    }
}
