using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Get-InstalledKernel's kernels: the kernels of a root with their owning package (one owner query), whether each
/// boots next and from which boot entry, and whether a package-manager lock keeps it.
/// </summary>
public sealed class InstalledKernelQuery(ICommandRunner runner)
{
    /// <summary>The selected kernels, oldest first; a plain name that matches none is a <c>KernelNotFound</c> failure.</summary>
    public Report<InstalledKernel> Read(ISystemRoot root, KernelSelection selection)
    {
        var log = new DiagnosticLog();
        var host = new KernelHostReader(root).Read(log);
        var owners = PackageBackend.Of(root).Ownership(host.Family, runner, "/boot/", "/lib/modules/");
        var installed = new InstalledKernelReader(root.ForOneRead(), owners).Read();
        log.Merge(installed);
        var locks = new KernelLockReader(root).Read(log).Items;
        var boot = new NextBootResolver(root);
        var nextBoot = boot.Resolve(log);
        // The entries' own diagnostics are the boot loader's, already in the log from Resolve.
        var entries = boot.ReadEntries().Items;
        var kernels = installed.Items.Where(k => selection.Matches(k.KernelVersion))
            .Select(k => k.WithBoot(k.KernelVersion == nextBoot.KernelVersion, NextBootResolver.FindEntryForKernel(entries, k.KernelVersion)?.MenuPath)
                .WithLock(KernelLockReader.IsLocked(locks, k.KernelVersion)))
            .ToList();
        selection.Unmatched(root.RootPath).ToList().ForEach(log.Fail);
        return log.ToReport<InstalledKernel>(kernels);
    }
}
