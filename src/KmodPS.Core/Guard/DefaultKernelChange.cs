using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Guard;

/// <summary>
/// Set-DefaultKernel's plan: the named kernel must be installed (KernelNotFound), bootable (BootEntryNotFound) and
/// healthy by <see cref="KernelHealth"/> (KernelNotHealthy; with -Force a warning instead). When it already boots next
/// (the same way: default or once) there is nothing to do; otherwise <see cref="DefaultKernelSwitch"/> plans the
/// change. It sits beside the switch because it joins the module status (Readiness) with the boot loader.
/// </summary>
/// <param name="Kernel">The installed kernel named (null when it is not installed).</param>
/// <param name="Entry">Its boot entry (null when it has none).</param>
public sealed record DefaultKernelChange(ChangePlan Plan, InstalledKernel? Kernel, BootEntry? Entry)
{
    public static DefaultKernelChange For(ISystemRoot root, ICommandRunner runner, string requested, bool once, bool force)
    {
        var action = DefaultKernelPlanner.ActionOf(once);
        var snapshot = new ModuleStatusReader(root, runner).Read();
        var name = KernelNameMatcher.Match(snapshot.Kernels.Select(k => k.KernelVersion), requested);
        if (name is null)
        {
            return new(Refuse(action, requested, new Failure(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound,
                $"No kernel '{requested}' is installed under {root.RootPath}.", requested)), null, null);
        }
        var kernel = snapshot.Kernels.First(k => k.KernelVersion == name);
        var entries = new NextBootResolver(root).ReadEntries().Items;
        if (KernelHealth.WhyNotBootable(kernel, entries, root.RootPath) is { } unbootable)
        {
            return new(Refuse(action, name, new Failure(ErrorIds.BootEntryNotFound, FailureCategory.ObjectNotFound, unbootable, name)), kernel, null);
        }
        var entry = NextBootResolver.FindEntryForKernel(entries, name)!;
        var health = KernelHealth.Of(name, snapshot.Rows);
        var warnings = new List<string>();
        if (!health.IsHealthy)
        {
            var problems = string.Join("; ", health.Problems.Select(p => $"{p.Name} {p.State}: {p.Reason}"));
            if (!force)
            {
                return new(Refuse(action, name, new Failure(ErrorIds.KernelNotHealthy, FailureCategory.InvalidOperation,
                    $"Kernel {name} would boot without modules this host needs: {problems}", name,
                    $"Fix the modules first (Get-KernelModuleStatus -KernelVersion {name} -Problem), or use -Force.")), kernel, entry);
            }
            warnings.Add($"-Force: {name} is made the default although it has module problems: {problems}");
        }
        if (snapshot.NextBoot.KernelVersion == name && snapshot.NextBoot.IsOneShot == once)
        {
            return new(new ChangePlan(action, name, ErrorIds.DefaultNotApplied)
            {
                Warnings = warnings,
                Notes = new[] { $"{name} already boots next ({snapshot.NextBoot.Explanation}); nothing to change." },
            }, kernel, entry);
        }
        var plan = new DefaultKernelSwitch(root, runner).Plan(name, once, force);
        return new(plan with { Warnings = warnings.Concat(plan.Warnings).ToList() }, kernel, entry);
    }

    private static ChangePlan Refuse(string action, string target, Failure refusal) => ChangePlan.Refuse(action, target, ErrorIds.DefaultNotApplied, refusal);
}
