using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Makes a kernel the boot default (or the next boot's kernel) through the host's own bootloader tooling.</summary>
[Cmdlet(VerbsCommon.Set, "DefaultKernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(InstalledKernel))]
public sealed class SetDefaultKernelCommand : PSCmdlet, IDisposable
{
    private static readonly ModuleState[] Unhealthy = { ModuleState.Missing, ModuleState.Mismatch, ModuleState.Untrusted, ModuleState.Broken };

    private VerboseCommandRunner? _runner;

    /// <summary>The kernel release to boot (the RPM version-release without the architecture also works).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string KernelVersion { get; set; } = string.Empty;

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Boot the kernel on the next boot only.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Act even when the kernel has module problems; where GRUB_DEFAULT is not saved, switch it to saved.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the kernel object after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        if (!KernelRelease.IsValid(KernelVersion))
        {
            ThrowTerminatingError(KernelVersionFilter.InvalidKernelVersion(KernelVersion));
            return;
        }
        var root = RootResolver.Resolve(this, Root);
        var snapshot = new ModuleStatusReader(root, _runner!).Read();
        var kernel = Resolve(snapshot, root);
        var resolver = new NextBootResolver(root);
        var entry = resolver.FindEntryForKernel(kernel.KernelVersion);
        if (kernel.ImagePath is null || entry is null)
        {
            Refuse(ErrorIds.BootEntryNotFound, FailureCategory.ObjectNotFound, kernel.ImagePath is null
                ? $"Kernel {kernel.KernelVersion} has no kernel image under {root.RootPath}: it cannot boot."
                : $"No boot entry starts kernel {kernel.KernelVersion} under {root.RootPath} (regenerate the boot loader's entries first).", kernel.KernelVersion);
        }
        RefuseUnhealthy(snapshot, kernel.KernelVersion);
        if (snapshot.NextBoot.KernelVersion == kernel.KernelVersion && snapshot.NextBoot.IsOneShot == Once)
        {
            WriteVerbose($"{kernel.KernelVersion} already boots next ({snapshot.NextBoot.Explanation}); nothing to change.");
            EmitIfPassThru(kernel, entry!);
            return;
        }
        var change = new DefaultKernelSwitch(root, _runner!, WriteVerbose);
        var plan = change.Plan(kernel.KernelVersion, Once, Force);
        if (plan.Refusal is not null)
        {
            ThrowTerminatingError(ErrorRecordFactory.From(plan.Refusal));
            return;
        }
        var action = (Once ? "Boot it on the next boot only: " : "Make it the boot default: ") + string.Join("; ", plan.Describe());
        if (!ShouldProcess(kernel.KernelVersion, action))
        {
            return;
        }
        plan.Warnings.ToList().ForEach(WriteWarning);
        if (change.Apply(plan, kernel.KernelVersion) is { } failure)
        {
            ThrowTerminatingError(ErrorRecordFactory.From(failure));
            return;
        }
        EmitIfPassThru(kernel, entry!);
    }

    private InstalledKernel Resolve(ModuleStatusSnapshot snapshot, ISystemRoot root)
    {
        var name = KernelNameMatcher.Match(snapshot.Kernels.Select(k => k.KernelVersion), KernelVersion);
        if (name is null)
        {
            Refuse(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{KernelVersion}' is installed under {root.RootPath}.", KernelVersion);
        }
        return snapshot.Kernels.First(k => k.KernelVersion == name);
    }

    private void RefuseUnhealthy(ModuleStatusSnapshot snapshot, string kernel)
    {
        var problems = snapshot.Rows.Where(r => r.KernelVersion == kernel && Unhealthy.Contains(r.State)).ToList();
        if (problems.Count == 0)
        {
            return;
        }
        var summary = string.Join("; ", problems.Select(p => $"{p.Name} {p.State}: {p.Reason}"));
        if (Force)
        {
            WriteWarning($"-Force: {kernel} is made the default although it has module problems: {summary}");
            return;
        }
        ThrowTerminatingError(ErrorRecordFactory.From(new Failure(ErrorIds.KernelNotHealthy, FailureCategory.InvalidOperation,
            $"Kernel {kernel} would boot without modules this host needs: {summary}", kernel,
            "Fix the modules first (Get-KernelModuleStatus -KernelVersion " + kernel + " -Problem), or use -Force.")));
    }

    private void EmitIfPassThru(InstalledKernel kernel, BootEntry entry)
    {
        if (PassThru)
        {
            WriteObject(kernel.WithBoot(true, entry.MenuPath));
        }
    }

    private void Refuse(string id, FailureCategory category, string message, string target) =>
        ThrowTerminatingError(ErrorRecordFactory.From(new Failure(id, category, message, target)));

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
