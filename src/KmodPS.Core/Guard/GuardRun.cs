using System.Text;
using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Guard;

/// <summary>
/// Invoke-KernelUpdateGuard's service, what the hooks run for a newly installed kernel: optionally repair its modules,
/// read every kernel's health, decide with <see cref="GuardPlanner"/>, keep, move or promote the boot default, and
/// record the verdict in the guard's state file. <see cref="Plan"/> reads and lists the steps for the one confirmation;
/// <see cref="Run"/> carries them out, or only works out the verdict when they were not confirmed (-WhatIf).
/// </summary>
public sealed class GuardRun
{
    private const UnixFileMode StateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;
    private readonly IKernelModules _modules;
    private readonly Action<string> _verbose;

    public GuardRun(ISystemRoot root, ICommandRunner runner, IKernelModules modules, Action<string>? verbose = null)
    {
        _root = root;
        _runner = runner;
        _modules = modules;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>The steps the guard would take for <paramref name="kernelName"/> as things stand; KernelNotFound when no such kernel is installed.</summary>
    public GuardRunPlan Plan(string kernelName, bool repair, bool promote)
    {
        var facts = _modules.Read();
        var kernel = KernelNameMatcher.Match(facts.Kernels.Select(k => k.KernelVersion), kernelName);
        if (kernel is null)
        {
            return GuardRunPlan.Refuse(kernelName, new Failure(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{kernelName}' is installed under {_root.RootPath}.", kernelName));
        }
        var steps = new List<string>();
        if (repair)
        {
            var commands = _modules.PlanRepair(kernel);
            steps.AddRange(commands.Count == 0 ? new[] { "repair its modules: none needs repair now" } : commands.Select(c => "repair its modules: " + c));
        }
        var decision = Decide(kernel, facts, promote);
        var again = repair ? " (decided again after the repair)" : string.Empty;
        steps.Add(decision.Target is { } target
            ? $"make {target} the boot default ({decision.Action}){again}: " + string.Join("; ", DescribeSwitch(target))
            : $"leave the boot default on {decision.DefaultBefore ?? "the kernel it is"}{again}");
        steps.Add($"record the verdict in {_root.MapPath(GuardLayout.StatePath)}");
        return new GuardRunPlan(kernel, repair, promote, facts, steps, null);
    }

    /// <summary>
    /// Carries the plan out when <paramref name="apply"/> (the steps were confirmed); otherwise changes and records
    /// nothing and returns the verdict as it stands (Applied false when it would change the default).
    /// </summary>
    public GuardVerdict Run(GuardRunPlan plan, bool apply)
    {
        var log = new DiagnosticLog();
        var kernel = plan.KernelVersion;
        var repair = !plan.Repair ? "NotRequested" : apply ? Repair(kernel, log) : "Skipped";
        // Read after the repair: its builds change the status.
        var facts = plan.Repair && apply || plan.Facts is null ? _modules.Read() : plan.Facts;
        var decision = Decide(kernel, facts, plan.Promote);
        var (action, applied, summary) = SwitchDefault(decision, apply, log);
        var after = new NextBootResolver(_root).Resolve(new DiagnosticLog()).KernelVersion;
        var result = new KernelGuardDecision(kernel, decision.Health.IsHealthy, decision.Health.Problems.Select(p => $"{p.Name} ({p.State})").Distinct().ToList(),
            action, decision.DefaultBefore, after, decision.LastHealthyKernel, repair, applied, summary, DateTime.UtcNow, _root.RootPath);
        // One warning, naming the missing modules, whenever the kernel or the next boot is not right.
        var warn = !decision.Health.IsHealthy || action is GuardAction.RolledBack or GuardAction.RolledBackOnce or GuardAction.NoHealthyKernel or GuardAction.Failed;
        if (warn)
        {
            log.Warn(summary);
        }
        if (apply)
        {
            Record(result, log);
        }
        return new GuardVerdict(result, log, warn ? null : summary);
    }

    private GuardDecisionPlan Decide(string kernel, ModuleFacts facts, bool promote)
    {
        var health = KernelHealth.Evaluate(facts.Kernels.Select(k => k.KernelVersion), facts.Rows);
        var bootable = KernelHealth.Bootable(facts.Kernels, new NextBootResolver(_root).ReadEntries().Items);
        return GuardPlanner.Decide(kernel, health, bootable, facts.NextBoot, promote);
    }

    private string Repair(string kernel, DiagnosticLog log)
    {
        var failures = _modules.Repair(kernel);
        failures.ToList().ForEach(f => log.Warn($"Repairing the modules of {kernel}: {f.Message}"));
        return failures.Count == 0 ? "Ran"
            : failures[0].ErrorId == ErrorIds.RootRequired ? "Failed: " + failures[0].Message
            : $"Ran with {failures.Count} error(s): {failures[0].Message}";
    }

    // The guard's only uses of DefaultKernelSwitch: describing and making the change of the boot default.
    private IEnumerable<string> DescribeSwitch(string target) => new DefaultKernelSwitch(_root, _runner).Plan(target).Describe();

    private (GuardAction Action, bool Applied, string Summary) SwitchDefault(GuardDecisionPlan decision, bool apply, DiagnosticLog log)
    {
        if (decision.Target is not { } target)
        {
            return (decision.Action, true, decision.Summary);
        }
        var change = new DefaultKernelSwitch(_root, _runner);
        var plan = change.Plan(target);
        var action = decision.Action;
        var summary = decision.Summary;
        // GRUB honours next_entry whatever GRUB_DEFAULT says: a rollback can still protect the next boot.
        if (plan.Refusals.FirstOrDefault()?.ErrorId is ErrorIds.GrubDefaultNotSaved or ErrorIds.GrubDefaultUnknown && action == GuardAction.RolledBack)
        {
            var once = change.Plan(target, once: true);
            if (!once.IsRefused)
            {
                (plan, action) = (once, GuardAction.RolledBackOnce);
                summary += $" GRUB_DEFAULT is not 'saved', so only the next boot starts {target} (next_entry); later boots start "
                    + $"{decision.DefaultBefore ?? "the old default"} again until GRUB_DEFAULT=saved (Set-DefaultKernel {target} -Force).";
            }
        }
        if (plan.IsRefused)
        {
            log.Fail(plan.Refusals[0]);
            return (GuardAction.Failed, false, $"{decision.Summary} Changing the boot default failed, nothing was changed: {plan.Refusals[0].Message}");
        }
        if (!apply)
        {
            return (action, false, summary);
        }
        plan.Warnings.ToList().ForEach(log.Warn);
        if (new ChangeExecutor(_root, _runner, _verbose).Execute(plan).Failure is { } failure)
        {
            log.Fail(failure);
            return (GuardAction.Failed, false, $"{summary} Changing the boot default failed: {failure.Message}");
        }
        return (action, true, summary);
    }

    // Read and written under the root's change lock: another guard run must not interleave its verdict.
    private void Record(KernelGuardDecision decision, DiagnosticLog log)
    {
        GuardStateFile.Read(_root, out var unreadable);
        if (unreadable is not null)
        {
            log.Warn($"{unreadable}; it is replaced by a new state file.");
        }
        var plan = new ChangePlan("Record the verdict", decision.KernelVersion, ErrorIds.GuardStateNotWritten)
        {
            Steps = new ChangeStep[]
            {
                new FileChange($"record the verdict for {decision.KernelVersion} in {GuardLayout.StatePath}", GuardLayout.StatePath,
                    current => Encoding.UTF8.GetBytes(GuardStateFile.Serialize(State(current) with
                    {
                        LastHealthyKernel = decision.LastHealthyKernel,
                        LastDecision = GuardDecisionRecord.From(decision),
                    })), StateMode),
            },
        };
        var outcome = new ChangeExecutor(_root, _runner, _verbose).Execute(plan);
        outcome.Warnings.ToList().ForEach(log.Warn);
        if (outcome.Failure is { } failure)
        {
            log.Fail(failure);
        }
    }

    // The installation record is kept; a state file that cannot be parsed is replaced (the warning said so).
    private static GuardState State(byte[]? current)
    {
        try
        {
            return current is null ? new GuardState() : GuardStateFile.Parse(Encoding.UTF8.GetString(current));
        }
        catch (InvalidDataException)
        {
            return new GuardState();
        }
    }
}

/// <summary>
/// What the guard reads and repairs: every kernel's module status, and the repair of one kernel's modules. Repair
/// builds on the guard (its <c>GuardModules</c> implements this), so the guard reaches it through this rather than
/// naming it.
/// </summary>
public interface IKernelModules
{
    ModuleFacts Read();

    /// <summary>The steps a repair of the kernel's modules would run, as -WhatIf shows them; empty when none needs repair.</summary>
    IReadOnlyList<string> PlanRepair(string kernel);

    /// <summary>Repairs the kernel's modules; the failures of the pairs that were not repaired (RootRequired when nothing may run).</summary>
    IReadOnlyList<Failure> Repair(string kernel);
}

/// <summary>Every installed kernel, every module status row and the kernel that boots next, read at one time.</summary>
public sealed record ModuleFacts(IReadOnlyList<InstalledKernel> Kernels, IReadOnlyList<ModuleStatus> Rows, NextBoot NextBoot);

/// <summary>What <see cref="GuardRun.Plan"/> found: the installed kernel checked, what was read, the steps to confirm; or why it refuses.</summary>
public sealed record GuardRunPlan(string KernelVersion, bool Repair, bool Promote, ModuleFacts? Facts, IReadOnlyList<string> Steps, Failure? Refusal)
{
    public static GuardRunPlan Refuse(string kernelVersion, Failure refusal) => new(kernelVersion, false, false, null, Array.Empty<string>(), refusal);
}

/// <summary>The guard's verdict, what to warn about and which failures to report, and the summary for the verbose stream when it is not a warning.</summary>
public sealed record GuardVerdict(KernelGuardDecision Decision, DiagnosticLog Log, string? Note);
