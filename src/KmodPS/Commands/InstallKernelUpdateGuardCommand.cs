using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;

namespace KmodPS.Commands;

/// <summary>Installs the kernel update guard's hooks in the host's own kernel extension points (kernel-install, /etc/kernel/postinst.d).</summary>
[Cmdlet(VerbsLifecycle.Install, "KernelUpdateGuard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KernelUpdateGuard))]
public sealed class InstallKernelUpdateGuardCommand : PSCmdlet
{
    /// <summary>The system root to install into instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

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
            return;
        }
        var root = RootResolver.Resolve(this, Root);
        var host = new KernelHostReader(root).Read(new DiagnosticLog());
        var state = GuardStateFile.Read(root, out var stateError);
        if (stateError is not null)
        {
            WriteWarning($"{stateError}; a new state file replaces it.");
        }
        var plan = GuardInstallPlanner.Plan(root, host.Family, new GuardOptions(RunnerPath, Repair, Promote), state, DateTime.UtcNow);
        if (plan.Refusal is not null)
        {
            ThrowTerminatingError(ErrorRecordFactory.From(plan.Refusal));
            return;
        }
        if (!root.FileExists(RunnerPath) && !File.Exists(RunnerPath))
        {
            WriteWarning($"The runner {RunnerPath} does not exist (under {root.RootPath} or on this machine): until it does, the hooks only log that the kernel was not checked.");
        }
        if (plan.IsNoOp)
        {
            WriteVerbose($"The kernel update guard is already installed and current under {root.RootPath}.");
        }
        else if (ShouldProcess(root.RootPath, "Install the kernel update guard: " + string.Join("; ", plan.Describe())))
        {
            if (new GuardInstaller(root, WriteVerbose).Install(plan) is { } failure)
            {
                ThrowTerminatingError(ErrorRecordFactory.From(failure));
                return;
            }
        }
        else
        {
            return;
        }
        var warnings = new List<string>();
        WriteObject(GuardInspector.Inspect(root, host.Family, GuardStateFile.Read(root, out _), warnings));
        warnings.ForEach(WriteWarning);
    }
}
