using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Removal;

/// <summary>
/// Remove-Kernel's service: reads what <see cref="RemovalPlanner"/> decides on (fresh for each kernel: an earlier
/// removal changes health, the next boot and the packages) and returns its plan with the read-back that judges the
/// removal by what the root shows afterwards, and the leftovers the admin should hear about. A name that matches no
/// kernel image but a release whose packages are still in the database (an interrupted removal) plans removing those
/// packages; one that matches only a leftover module directory plans removing that directory, unless a package still
/// owns files in it.
/// </summary>
public sealed class KernelRemoval
{
    private static readonly string[] PackageTools = { "dnf", "dnf5", "yum", "apt-get" };

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;
    private readonly Action<string> _verbose;

    public KernelRemoval(ISystemRoot root, ICommandRunner runner, Action<string>? verbose = null)
    {
        _root = root;
        _runner = runner;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>The plan that removes the installed kernel <paramref name="name"/> names, or why it refuses (KernelNotFound first).</summary>
    /// <param name="force">Also remove the packages that depend on the kernel's packages; never overrides a protection.</param>
    public ChangePlan Plan(string name, bool force)
    {
        var snapshot = new ModuleStatusReader(_root, _runner).Read();
        var family = snapshot.Host.Family;
        var log = new DiagnosticLog();
        IReadOnlyList<InstalledPackage>? installed = null;
        var kernel = KernelNameMatcher.Match(snapshot.Kernels.Select(k => k.KernelVersion), name);
        if (kernel is null)
        {
            // A removal killed after the package manager deleted the kernel's files leaves its packages recorded: the
            // same command finishes it. Without a readable database the name is looked for among the leftovers only.
            installed = new InstalledPackageReader(_root, _runner).Read(family, new DiagnosticLog());
            kernel = installed is null ? null : KernelNameMatcher.Match(KernelPackageMatcher.Releases(installed), name);
        }
        if (kernel is null && KernelNameMatcher.Match(snapshot.Leftovers.Select(l => l.KernelVersion), name) is { } leftover)
        {
            return PlanLeftover(snapshot.Leftovers.First(l => l.KernelVersion == leftover), snapshot);
        }
        if (kernel is null)
        {
            return Refuse(name, new Failure(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{name}' is installed under {_root.RootPath}.", name));
        }
        installed ??= new InstalledPackageReader(_root, _runner).Read(family, log);
        if (installed is null)
        {
            // Reported per kernel like the other refusals: the target is the kernel, not the root.
            return Refuse(kernel, log.Failures[0] with { Target = kernel });
        }
        var packages = KernelPackageMatcher.OfRelease(installed, kernel);
        var locks = new KernelLockReader(_root).LocksKeeping(kernel);
        if (locks.Failures.Count > 0)
        {
            return Refuse(kernel, locks.Failures[0]);
        }
        var plan = RemovalPlanner.Plan(new RemovalRequest(
            kernel,
            family,
            _root.RootPath,
            _root.IsHostRoot,
            snapshot.Host.RunningKernel,
            snapshot.NextBoot,
            snapshot.Kernels,
            KernelHealth.Evaluate(snapshot.Kernels.Select(k => k.KernelVersion), snapshot.Rows),
            packages,
            KernelPackageMatcher.Dependents(installed, packages, kernel),
            locks.Items,
            force,
            PackageTools.Select(t => (Name: t, Path: _runner.FindProgram(t))).Where(p => p.Path is not null).ToDictionary(p => p.Name, p => p.Path!),
            RpmDatabase.Path(_root)), _verbose);
        if (plan.IsRefused)
        {
            return plan;
        }
        var unfinished = snapshot.Kernels.Any(k => k.KernelVersion == kernel) ? Array.Empty<string>()
            : new[] { $"Kernel {kernel} has no kernel image under {_root.RootPath}, but the package database still records {string.Join(", ", packages.Select(p => p.Spec))} (a removal that was interrupted): removing them finishes it." };
        return plan with { Warnings = unfinished.Concat(plan.Warnings).ToList(), ReadBack = () => ReadBack(kernel, family), Leftovers = () => Leftovers(kernel) };
    }

    private Failure? ReadBack(string kernel, HostFamily family)
    {
        var log = new DiagnosticLog();
        var left = new InstalledPackageReader(_root, _runner).Read(family, log) is { } after ? KernelPackageMatcher.OfRelease(after, kernel) : null;
        var image = new InstalledKernelReader(_root).Read().Items.FirstOrDefault(k => k.KernelVersion == kernel);
        var imageLeft = image?.ImagePath is null ? null : _root.MapPath(image.ImagePath);
        if (RemovalReadBack.Check(kernel, left, imageLeft, log.Failures.FirstOrDefault()?.Message) is { } failure)
        {
            return failure;
        }
        _verbose($"Read back: no package of kernel {kernel} is installed under {_root.RootPath}.");
        return null;
    }

    private IReadOnlyList<string> Leftovers(string kernel)
    {
        var leftovers = new List<string>();
        if (new InstalledKernelReader(_root).Read().Items.FirstOrDefault(k => k.KernelVersion == kernel)?.ModulesDirectory is { } modules)
        {
            leftovers.Add($"Kernel {kernel} is removed, but {_root.MapPath(modules)} still holds files no package owned (DKMS or manual modules); remove them with dkms remove or by hand.");
        }
        if (new NextBootResolver(_root).ReadEntries().Items.FirstOrDefault(e => e.KernelVersion == kernel) is { } entry)
        {
            leftovers.Add($"Kernel {kernel} is removed, but the boot entry {entry.Id} ({entry.Source}) still names it; kernel-install or update-grub normally removes it.");
        }
        return leftovers;
    }

    // A leftover module directory (no kernel image) goes with its files. What a package still owns in it is the package
    // manager's to remove: deleting it here would leave the package database claiming files that are gone.
    private ChangePlan PlanLeftover(KernelLeftover leftover, ModuleStatusSnapshot snapshot)
    {
        var kernel = leftover.KernelVersion;
        var directory = _root.MapPath(leftover.Directory);
        if (leftover.Owner is { } owner)
        {
            return Refuse(kernel, new Failure(ErrorIds.KernelLeftoverOwned, FailureCategory.InvalidOperation,
                $"{directory} is a leftover (kernel {kernel} has no kernel image), but the package {owner} still owns files in it: KmodPS does not delete a package's files.", kernel,
                $"Remove {owner} with the package manager (apt-get purge {owner}, or dnf remove {owner}); it takes its files with it."));
        }
        var dkms = snapshot.Dkms.Where(e => e.KernelVersion == kernel).Select(e => $"{e.Module}/{e.Version}").Distinct().ToList();
        return new ChangePlan("Remove leftover module directory", kernel, ErrorIds.KernelNotRemoved)
        {
            Steps = new[] { DirectoryChange.RemoveTree(leftover.Directory, $"kernel {kernel} has no kernel image; {leftover.Entries.Count} entries, {leftover.SizeBytes} bytes, owned by no package") },
            Reversible = false,
            Precondition = () => new InstalledKernelReader(_root).FindLeftover(kernel) is null
                ? new Failure(ErrorIds.RootChangeInProgress, FailureCategory.ResourceUnavailable, $"{directory} changed while Remove-Kernel waited (a kernel image appeared, or it is gone): nothing was removed.", kernel)
                : null,
            ReadBack = () => _root.DirectoryExists(leftover.Directory)
                ? new Failure(ErrorIds.KernelNotRemoved, FailureCategory.InvalidResult, $"{directory} is still there after it was removed.", kernel)
                : null,
            Leftovers = () => dkms.Count == 0 ? Array.Empty<string>()
                : new[] { $"DKMS still records {string.Join(", ", dkms)} for kernel {kernel}: 'dkms remove <module>/<version> -k {kernel}' forgets it." },
        };
    }

    private static ChangePlan Refuse(string target, Failure refusal) => ChangePlan.Refuse("Remove kernel packages", target, ErrorIds.KernelNotRemoved, refusal);
}
