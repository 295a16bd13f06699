using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Shows the kernel update guard of a root: hook paths, whether each is installed and current, the runner, the recorded state.</summary>
[Cmdlet(VerbsCommon.Get, "KernelUpdateGuard")]
[OutputType(typeof(KernelUpdateGuard))]
public sealed class GetKernelUpdateGuardCommand : KmodRootCommand
{

    protected override void ProcessRecord()
    {
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var family = new KernelHostReader(root).Read(new DiagnosticLog()).Family;
        var warnings = new List<string>();
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            warnings.Add(stateError);
        }
        if (family is not (HostFamily.Debian or HostFamily.RedHat))
        {
            warnings.Add($"The kernel update guard supports the Debian and RHEL families; {root.RootPath} is {family}.");
        }
        var guard = GuardInspector.Inspect(root, family, state, warnings);
        warnings.ForEach(WriteWarning);
        WriteObject(guard);
    }
}
