using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;
using KmodPS.Core.Removal;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>
/// Removes a kernel's packages through the package manager (dnf remove, apt-get purge), refusing the running kernel,
/// the next-boot kernel, a locked kernel and the last healthy kernel whatever -Force says.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Kernel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveKernelCommand : PSCmdlet, IDisposable
{
    private static readonly string[] PackageTools = { "dnf", "dnf5", "yum", "apt-get" };

    private VerboseCommandRunner? _runner;

    /// <summary>The kernel releases to remove (the RPM version-release without the architecture also works).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[] KernelVersion { get; set; } = Array.Empty<string>();

    /// <summary>The system root to change instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Also remove the packages that depend on the kernel's packages (kmods built for it, Debian metapackages). Never overrides a protection.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        // Every name is validated before anything is read or changed.
        var invalid = KernelVersion.Length == 0 ? string.Empty : KernelVersion.FirstOrDefault(v => !KernelRelease.IsValid(v));
        if (invalid is not null)
        {
            ThrowTerminatingError(KernelVersionFilter.InvalidKernelVersion(invalid));
            return;
        }
        var root = RootResolver.Resolve(this, Root);
        foreach (var name in KernelVersion)
        {
            if (Remove(root, name) is { } failure)
            {
                WriteError(ErrorRecordFactory.From(failure));
            }
        }
    }

    private Failure? Remove(ISystemRoot root, string name)
    {
        // Health, next boot and packages are read fresh for each kernel: an earlier removal changes them.
        var snapshot = new ModuleStatusReader(root, _runner!).Read();
        var kernel = KernelNameMatcher.Match(snapshot.Kernels.Select(k => k.KernelVersion), name);
        if (kernel is null)
        {
            return new Failure(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{name}' is installed under {root.RootPath}.", name);
        }
        var log = new DiagnosticLog();
        var installed = new InstalledPackageReader(root, _runner!).Read(snapshot.Host.Family, log);
        if (installed is null)
        {
            // Reported per kernel like the other refusals: the target is the kernel, not the root.
            return log.Failures[0] with { Target = kernel };
        }
        var packages = KernelPackageMatcher.OfRelease(installed, kernel);
        var locks = new KernelLockReader(root).LocksKeeping(kernel);
        if (locks.Failures.Count > 0)
        {
            return locks.Failures[0];
        }
        var request = new RemovalRequest(
            kernel,
            snapshot.Host.Family,
            root.RootPath,
            root.IsHostRoot,
            snapshot.Host.RunningKernel,
            snapshot.NextBoot,
            snapshot.Kernels,
            KernelHealth.Evaluate(snapshot.Kernels.Select(k => k.KernelVersion), snapshot.Rows),
            packages,
            KernelPackageMatcher.Dependents(installed, packages, kernel),
            locks.Items,
            Force,
            PackageTools.Select(t => (Name: t, Path: _runner!.FindProgram(t))).Where(p => p.Path is not null).ToDictionary(p => p.Name, p => p.Path!),
            RpmDatabase.Path(root));
        var plan = RemovalPlanner.Plan(request);
        if (plan.Refusal is not null)
        {
            return plan.Refusal;
        }
        if (!ShouldProcess(kernel, $"Remove kernel packages {string.Join(", ", plan.Packages)}: run {plan.Command!.DisplayText}"))
        {
            return null;
        }
        plan.Warnings.ToList().ForEach(WriteWarning);
        try
        {
            return KernelRemover.Apply(root, plan, _runner!, kernel, result =>
            {
                WriteVerbose(result.StandardOutput.Trim());
                return Verify(root, kernel, plan, result, snapshot.Host.Family);
            });
        }
        catch (PathOutsideRootException e)
        {
            return new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, kernel);
        }
    }

    private Failure? Verify(ISystemRoot root, string kernel, RemovalPlan plan, CommandResult result, HostFamily family)
    {
        var log = new DiagnosticLog();
        var left = new InstalledPackageReader(root, _runner!).Read(family, log) is { } after ? KernelPackageMatcher.OfRelease(after, kernel) : null;
        var image = new InstalledKernelReader(root).Read().Items.FirstOrDefault(k => k.KernelVersion == kernel);
        var imageLeft = image?.ImagePath is null ? null : root.MapPath(image.ImagePath);
        if (RemovalReadBack.Check(kernel, result, left, imageLeft, log.Failures.FirstOrDefault()?.Message) is { } failure)
        {
            return failure;
        }
        if (image?.ModulesDirectory is not null)
        {
            WriteWarning($"Kernel {kernel} is removed, but {root.MapPath(image.ModulesDirectory)} still holds files no package owned (DKMS or manual modules); remove them with dkms remove or by hand.");
        }
        if (new NextBootResolver(root).ReadEntries().Items.FirstOrDefault(e => e.KernelVersion == kernel) is { } entry)
        {
            WriteWarning($"Kernel {kernel} is removed, but the boot entry {entry.Id} ({entry.Source}) still names it; kernel-install or update-grub normally removes it.");
        }
        WriteVerbose($"Read back: no package of kernel {kernel} is installed under {root.RootPath} ({string.Join(", ", plan.Packages)} removed).");
        return null;
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
