using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Installs the kernel update guard's hooks in the host's own kernel extension points (kernel-install, /etc/kernel/postinst.d).</summary>
[Cmdlet(VerbsLifecycle.Install, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KernelUpdateGuard))]
public sealed class InstallKernelUpdateGuardCommand : KmodRootCommand
{

    /// <summary>The hooks run Repair-KernelModule before deciding.</summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>The hooks make a healthy new kernel the boot default.</summary>
    [Parameter]
    public SwitchParameter Promote { get; set; }

    /// <summary>The absolute path of the kmodps runner inside the root, as the hooks will call it.</summary>
    [Parameter]
    public string RunnerPath { get; set; } = GuardOptions.DefaultRunnerPath;

    protected override void ProcessRecord()
    {
        if (!GuardOptions.IsValidRunnerPath(RunnerPath))
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.InvalidRunnerPath, FailureCategory.InvalidArgument,
                $"'{RunnerPath}' is not usable as the runner path: give an absolute path made of letters, digits and / . _ + - @ : , (the hooks embed it).", RunnerPath));
        }
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var family = new KernelHostReader(root).Read(new DiagnosticLog()).Family;
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            WriteWarning($"{stateError}; a new state file replaces it.");
        }
        var plan = GuardInstallPlanner.Plan(root, family, new GuardOptions(RunnerPath, Repair, Promote), state, DateTime.UtcNow);
        if (!plan.IsRefused && !root.FileExists(RunnerPath) && !File.Exists(RunnerPath))
        {
            WriteWarning($"The runner {RunnerPath} does not exist (under {root.RootPath} or on this machine): until it does, the hooks only log that the kernel was not checked.");
        }
        if (ApplyChange(plan, root) is null)
        {
            return;
        }
        var warnings = new List<string>();
        WriteObject(GuardInspector.Inspect(root, family, GuardStateFile.Read(root, out _), warnings));
        warnings.ForEach(WriteWarning);
    }
}
