using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Repair;

/// <summary>
/// Repair-KernelModule's service (also the guard's -Repair): reads a root's module status once, plans every selected
/// (module, kernel) pair together (shared DKMS builds), runs each confirmed action as a change through
/// <see cref="ChangeExecutor"/>, reads the status back once, and turns it all into one <see cref="RepairResult"/> per pair.
/// </summary>
public sealed class KernelModuleRepair
{
    private readonly ISystemRoot _root;
    private readonly ICommandRunner _reader;
    private readonly ICommandRunner _builder;
    private readonly Action<string> _verbose;

    /// <param name="reader">Runs the reads (rpm, dnf repoquery).</param>
    /// <param name="builder">Runs the repairs (dkms, dnf install); Repair-KernelModule streams their output.</param>
    public KernelModuleRepair(ISystemRoot root, ICommandRunner reader, ICommandRunner? builder = null, Action<string>? verbose = null)
    {
        _root = root;
        _reader = reader;
        _builder = builder ?? reader;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>Every module of <paramref name="kernel"/> that needs repair (what the guard's -Repair selects).</summary>
    public static Func<ModuleStatusSnapshot, IReadOnlyList<RepairPair>> NeedingRepairOn(string kernel) => snapshot =>
        snapshot.Rows.Where(r => r.KernelVersion == kernel).GroupBy(r => new RepairPair(r.Name, r.KernelVersion))
            .Where(RepairPlanner.NeedsAttention).Select(g => g.Key).ToList();

    /// <summary>Reads the status, selects the pairs and plans them: one change per distinct action. Reads only.</summary>
    /// <param name="select">The pairs to repair, chosen from the status read.</param>
    /// <param name="starting">Called before each command of an action (a progress record).</param>
    public RepairRun Plan(Func<ModuleStatusSnapshot, IReadOnlyList<RepairPair>> select, Action<RepairAction, CommandRequest>? starting = null)
    {
        var before = new ModuleStatusReader(_root, _reader).Read();
        var pairs = select(before);
        if (pairs.Count == 0)
        {
            return new RepairRun(_root.RootPath, before, new RepairPlan(Array.Empty<RepairDecision>(), Array.Empty<RepairAction>()), Array.Empty<RepairChange>(),
                new DiagnosticLog(), Array.Empty<string>());
        }
        var log = new DiagnosticLog();
        var plan = RepairPlanner.Plan(new RepairReader(_root, _reader).Read(before, pairs, log));
        var changes = plan.Actions.Select(a => new RepairChange(a, starting is null ? null : command => starting(a, command))).ToList();
        return new RepairRun(_root.RootPath, before, plan, changes, log, DkmsKeyWarning(before, plan) is { } warning ? new[] { warning } : Array.Empty<string>());
    }

    /// <summary>
    /// Runs each action <paramref name="confirm"/> accepts, reads the status back, and reports every pair once
    /// (<see cref="RepairReport"/>). Changing the system needs root: checked before the first confirmed action, and
    /// when it fails nothing runs and <see cref="RepairResults.NotPermitted"/> says why.
    /// </summary>
    /// <param name="preview">-WhatIf: a pair with an action is reported by its What if line, and nothing is an error.</param>
    public RepairResults Apply(RepairRun run, Func<ChangePlan, bool> confirm, bool preview = false, CancellationToken cancellationToken = default)
    {
        var executions = new Dictionary<string, RepairExecution>(StringComparer.Ordinal);
        foreach (var change in run.Changes)
        {
            if (!confirm(change.Plan))
            {
                continue;
            }
            if (executions.Count == 0 && ProcessPrivileges.EffectiveUserId() is not (0 or null))
            {
                return new RepairResults(Array.Empty<RepairReportEntry>(), new Failure(ErrorIds.RootRequired, FailureCategory.PermissionDenied,
                    "Repairing kernel modules runs dkms (and chroot or dnf), which need root: run it as root (sudo).", _root.RootPath));
            }
            var outcome = new ChangeExecutor(_root, _builder, _verbose).Execute(change.Plan, cancellationToken);
            executions[change.Action.Key] = change.Execution(outcome);
        }
        var after = executions.Count > 0 ? new ModuleStatusReader(_root, _reader).Read() : run.Before;
        return new RepairResults(RepairReport.Build(run.Plan, executions, preview, after.Rows, after.Dkms, _root.RootPath), null);
    }

    private string? DkmsKeyWarning(ModuleStatusSnapshot snapshot, RepairPlan plan)
    {
        if (snapshot.SecureBoot.Mode != SecureBootMode.Enabled || !plan.Actions.Any(a => a.Provider == ModuleProvider.Dkms))
        {
            return null;
        }
        var signer = DkmsSigningCertificate.AsSigner(_root);
        if (signer is not null && snapshot.SecureBoot.IsKeyEnrolled(signer))
        {
            return null;
        }
        var certificate = DkmsSigningCertificate.FindPath(_root) ?? "<the DKMS signing certificate>";
        return $"Secure Boot is on and the DKMS signing key is not enrolled: modules dkms builds now will be rejected at load until you enrol it: mokutil --import {certificate}";
    }
}

/// <summary>
/// What <see cref="KernelModuleRepair.Plan"/> found for a root: the status before, the decision for every selected
/// pair, one change per action to confirm and run, and what the reads and the plan have to say.
/// </summary>
public sealed record RepairRun(string RootPath, ModuleStatusSnapshot Before, RepairPlan Plan, IReadOnlyList<RepairChange> Changes, DiagnosticLog Log, IReadOnlyList<string> Warnings)
{
    /// <summary>True when no pair was selected: every selected module is installed for every selected kernel.</summary>
    public bool IsEmpty => Plan.Decisions.Count == 0;
}

/// <summary>One entry per pair, in order; or, when the process may not change the system, why nothing ran.</summary>
public sealed record RepairResults(IReadOnlyList<RepairReportEntry> Entries, Failure? NotPermitted);
