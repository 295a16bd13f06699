using System.Management.Automation;
using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Completion;
using KmodPS.Infrastructure;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Commands;

/// <summary>Lists the kernels installed under a system root.</summary>
[Cmdlet(VerbsCommon.Get, "InstalledKernel")]
[OutputType(typeof(InstalledKernel))]
public sealed class GetInstalledKernelCommand : PSCmdlet, IDisposable
{
    private VerboseCommandRunner? _runner;

    /// <summary>Kernel releases to list (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing()
    {
        _runner = new VerboseCommandRunner(WriteVerbose);
    }

    protected override void ProcessRecord()
    {
        var root = RootResolver.Resolve(this, Root);
        if (KernelVersionFilter.FromParameter(this, KernelVersion) is not { } filter)
        {
            return;
        }
        var log = new DiagnosticLog();
        var host = new KernelHostReader(root).Read(log);
        var owners = PackageOwnershipFactory.Create(root, host.Family, _runner!, "/boot/", "/lib/modules/");
        var report = new InstalledKernelReader(root, owners).Read();
        log.Merge(report);
        var locks = new KernelLockReader(root).Read(log).Items;
        var boot = new NextBootResolver(root);
        var nextBoot = boot.Resolve(log);
        var entries = boot.ReadEntries().Items;
        DiagnosticOutput.Write(this, log);
        foreach (var kernel in report.Items.Where(k => filter.Matches(k.KernelVersion)))
        {
            WriteObject(kernel.WithBoot(kernel.KernelVersion == nextBoot.KernelVersion, NextBootResolver.FindEntryForKernel(entries, kernel.KernelVersion)?.MenuPath)
                .WithLock(KernelLockReader.IsLocked(locks, kernel.KernelVersion)));
        }
        foreach (var notFound in filter.Unmatched(root.RootPath))
        {
            WriteError(notFound);
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
