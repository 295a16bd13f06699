using KmodPS.Core.Boot;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Guard;

/// <summary>
/// Pure: the guard's decision for a newly installed kernel <c>K</c>, given every kernel's health and what boots next.
/// <list type="number">
/// <item>-Promote, <c>K</c> healthy and bootable, and the next boot is unknown, unhealthy or not newer than <c>K</c>:
/// make <c>K</c> the default (Promoted).</item>
/// <item>Otherwise, when the next boot kernel is healthy: leave it (None).</item>
/// <item>Otherwise move the default to the newest healthy bootable kernel (RolledBack), or, when there is none,
/// change nothing and say so (NoHealthyKernel).</item>
/// </list>
/// "Bootable" means it has a kernel image and a boot entry; "healthy" is <see cref="KernelHealth"/>.
/// </summary>
public static class GuardPlanner
{
    public static GuardDecisionPlan Decide(string kernel, IReadOnlyDictionary<string, KernelHealth> health, IReadOnlySet<string> bootable, NextBoot nextBoot, bool promote)
    {
        var self = health.TryGetValue(kernel, out var h) ? h : new KernelHealth(kernel, true, Array.Empty<ModuleStatus>());
        var next = nextBoot.KernelVersion;
        var nextHealthy = next is not null && health.TryGetValue(next, out var nh) && nh.IsHealthy;
        var newestHealthy = health.Values.Where(x => x.IsHealthy && bootable.Contains(x.KernelVersion))
            .Select(x => x.KernelVersion).OrderBy(v => v, KernelVersionComparer.Instance).LastOrDefault();
        var lacks = self.IsHealthy ? null : $"Kernel {kernel} lacks modules this host needs: {self.Summary}";
        var nextText = next ?? "an undetermined kernel";

        if (promote && self.IsHealthy && bootable.Contains(kernel) && (next is null || !nextHealthy || KernelVersionComparer.Instance.Compare(kernel, next) >= 0))
        {
            return next == kernel
                ? new GuardDecisionPlan(GuardAction.None, null, next, newestHealthy, self, $"Kernel {kernel} has every module this host needs and already boots next.")
                : new GuardDecisionPlan(GuardAction.Promoted, kernel, next, newestHealthy, self,
                    $"Kernel {kernel} has every module this host needs: it is made the boot default (was {nextText}).");
        }
        if (nextHealthy)
        {
            var summary = self.IsHealthy
                ? next == kernel
                    ? $"Kernel {kernel} has every module this host needs and boots next."
                    : $"Kernel {kernel} has every module this host needs; the boot default stays on {next}{(promote ? string.Empty : " (-Promote moves it forward automatically)")}."
                : $"{lacks}; the boot default stays on {next}.";
            return new GuardDecisionPlan(GuardAction.None, null, next, newestHealthy, self, summary);
        }
        var nextProblem = next is null ? "the kernel that boots next cannot be determined"
            : next == kernel ? null
            : !health.ContainsKey(next) ? $"the next boot kernel {next} is not installed"
            : $"the next boot kernel {next} lacks modules this host needs: {health.GetValueOrDefault(next)?.Summary}";
        var why = lacks is null ? Capitalize(nextProblem!) : nextProblem is null ? lacks : $"{lacks}; {nextProblem}";
        if (newestHealthy is null)
        {
            return new GuardDecisionPlan(GuardAction.NoHealthyKernel, null, next, null, self,
                $"{why}; no installed kernel with a boot entry has every module this host needs, so the boot default {(next is null ? "was not changed" : "stays on " + next)}.");
        }
        return new GuardDecisionPlan(GuardAction.RolledBack, newestHealthy, next, newestHealthy, self,
            $"{why}; the boot default is moved from {nextText} to {newestHealthy}, the newest kernel with every module this host needs.");
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
