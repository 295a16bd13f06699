using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Models;

namespace KmodPS.Core.Repair;

/// <summary>
/// Pure: turns a decision, what running its action did, and the status read back afterwards into the pair's
/// <see cref="RepairResult"/> (and, for a Blocked or Failed pair, its typed <see cref="Failure"/>, which
/// <see cref="RepairReport"/> turns into the pair's error or not).
/// A repair counts as Repaired only when the module reads back as Installed for the kernel.
/// </summary>
internal static class RepairResultFactory
{
    /// <param name="execution">Null when the decision has no action, or its action was not confirmed.</param>
    public static (RepairResult Result, Failure? Failure) Create(
        RepairDecision decision, RepairExecution? execution, IReadOnlyList<ModuleStatus> rowsAfter, IReadOnlyList<DkmsEntry> dkmsAfter, string root)
    {
        var pair = decision.Pair;
        var status = StatusOf(pair, rowsAfter, decision.ModuleVersion);
        if (decision.Action is not { } action)
        {
            var planned = Result(decision, decision.PlannedOutcome ?? RepairOutcome.Skipped, Array.Empty<string>(), null, null, null, null, decision.Message, status, root);
            return (planned, decision.Failure is { } f ? f with { Target = planned } : null);
        }
        if (execution is null)
        {
            return (Result(decision, RepairOutcome.Skipped, action.CommandLines, null, null, null, null,
                $"Not confirmed: {string.Join(" ; ", action.CommandLines)} did not run.", status, root), null);
        }
        if (execution.Refusal is { } refusal)
        {
            var refused = Result(decision, RepairOutcome.Failed, Array.Empty<string>(), null, null, null, null, refusal.Message, status, root);
            return (refused, refusal with { Target = refused });
        }
        if (!execution.Succeeded)
        {
            return FromFailure(decision, action, execution, status, root);
        }
        var makeLog = action.DkmsModule is { } module
            ? dkmsAfter.FirstOrDefault(e => e.Module == module && e.Version == action.ModuleVersion && e.KernelVersion == pair.KernelVersion)?.MakeLogPath
            : null;
        if (status?.State == ModuleState.Installed)
        {
            return (Result(decision, RepairOutcome.Repaired, execution.Ran, 0, null, makeLog, null, Done(action), status, root), null);
        }
        var found = status is null ? $"no {pair.Name} module is found for {pair.KernelVersion}" : $"{pair.Name} reads back as {status.State}: {status.Reason}";
        var message = $"{string.Join(" ; ", execution.Ran)} succeeded, but {found}";
        var result = Result(decision, RepairOutcome.Failed, execution.Ran, 0, null, makeLog, null, message, status, root);
        return (result, new Failure(ErrorIds.RepairNotVerified, FailureCategory.InvalidResult, message, result));
    }

    private static (RepairResult, Failure) FromFailure(RepairDecision decision, RepairAction action, RepairExecution execution, ModuleStatus? status, string root)
    {
        var dkms = action.Provider == ModuleProvider.Dkms;
        int? exit = execution.TimedOut ? null : execution.ExitCode;
        var meaning = execution.TimedOut ? "timed out" : dkms ? DkmsExitCode.Meaning(exit) : $"{action.Commands[0].FileName} failed (exit {exit})";
        var what = execution.TimedOut ? "timed out" : $"failed with exit code {exit} ({meaning})";
        var failed = action.Commands[Math.Clamp(execution.FailedIndex ?? 0, 0, action.Commands.Count - 1)];
        var message = $"{ShortName(failed)} {what} for {action.Target}";
        if (execution.MakeLogPath is { } log)
        {
            message += $"; build log: {log}";
        }
        if (action.Kind == RepairActionKind.DkmsRebuild && execution.Ran.Count == 1 && action.Commands[^1].Arguments.Contains("--force"))
        {
            message += $". The previous build of {action.Package} stays in /lib/modules/{action.KernelVersion} until a build succeeds";
        }
        var lastLine = LastLine(execution.Output);
        if (lastLine is not null && exit is not (DkmsExitCode.BuildFailed or DkmsExitCode.Excluded) && !execution.TimedOut)
        {
            message += $". dkms said: {lastLine}";
        }
        var (id, category) = (execution.TimedOut, exit, dkms) switch
        {
            (true, _, _) => (ErrorIds.RepairTimedOut, FailureCategory.OperationTimeout),
            (_, 127, _) => (dkms ? ErrorIds.DkmsNotFound : ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled),
            (_, DkmsExitCode.BuildFailed, true) => (ErrorIds.DkmsBuildFailed, FailureCategory.InvalidResult),
            (_, DkmsExitCode.HeadersMissing, true) => (ErrorIds.HeadersNotInstalled, FailureCategory.NotInstalled),
            (_, DkmsExitCode.Excluded, true) => (ErrorIds.DkmsBuildExcluded, FailureCategory.InvalidOperation),
            (_, _, true) => (ErrorIds.DkmsCommandFailed, FailureCategory.InvalidResult),
            _ => (ErrorIds.PackageInstallFailed, FailureCategory.InvalidResult),
        };
        var result = Result(decision, RepairOutcome.Failed, execution.Ran, exit ?? -1, meaning, execution.MakeLogPath, execution.MakeLogTail, message, status, root);
        return (result, new Failure(id, category, message, result));
    }

    /// <summary>The row that says most about the pair after the repair: Installed if any, else the worst problem.</summary>
    public static ModuleStatus? StatusOf(RepairPair pair, IReadOnlyList<ModuleStatus> rows, string? preferredVersion)
    {
        var candidates = rows.Where(r => r.Name == pair.Name && r.KernelVersion == pair.KernelVersion).ToList();
        return candidates.FirstOrDefault(r => r.State == ModuleState.Installed)
            ?? candidates.FirstOrDefault(r => r.ModuleVersion == preferredVersion && preferredVersion is not null)
            ?? candidates.FirstOrDefault();
    }

    private static string Done(RepairAction action) => action.Kind switch
    {
        RepairActionKind.DkmsRebuild => $"Rebuilt and installed {action.Package} for {action.KernelVersion}.",
        RepairActionKind.DkmsInstall => $"Installed {action.Package} for {action.KernelVersion} (built by dkms where needed).",
        _ => $"Installed {action.Package} for {action.KernelVersion}.",
    };

    /// <summary><c>dkms build --force</c>, <c>dnf install</c>: the tool and verb without the chroot prefix and arguments.</summary>
    public static string ShortName(Platform.CommandRequest command)
    {
        var words = new[] { command.FileName }.Concat(command.Arguments).ToList();
        var tool = words.FindIndex(w => Path.GetFileName(w) is "dkms" or "dnf" or "dnf5" or "yum");
        if (tool < 0 || tool + 1 >= words.Count)
        {
            return Path.GetFileName(command.FileName);
        }
        var name = $"{Path.GetFileName(words[tool])} {words[tool + 1]}";
        return words.Skip(tool + 2).Contains("--force") ? name + " --force" : name;
    }

    private static string? LastLine(string output) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && (l.StartsWith("Error!", StringComparison.Ordinal) || l.StartsWith("Error:", StringComparison.Ordinal)))
        ?? output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    private static RepairResult Result(RepairDecision decision, RepairOutcome outcome, IReadOnlyList<string> commands, int? exit, string? meaning, string? makeLog, string? tail, string message, ModuleStatus? status, string root) =>
        new(decision.Pair.Name, decision.ModuleVersion, decision.Pair.KernelVersion, decision.Provider, outcome, decision.Package, commands, exit, meaning, makeLog, tail, message, status, root);
}
