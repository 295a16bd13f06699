using System.Management.Automation;
using System.Text.RegularExpressions;
using KmodPS.Completion;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Repair;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>
/// Rebuilds and installs DKMS modules (real dkms) and installs missing kmod packages (dnf) for every installed
/// kernel, then reads the status back: one <see cref="RepairResult"/> per (module, kernel) pair.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "KernelModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairResult))]
public sealed partial class RepairKernelModuleCommand : KmodRootCommand
{
    private const int ProgressId = 7;
    private readonly List<(ISystemRoot Root, List<(string[]? Names, string[]? Kernels)> Selections)> _work = new();
    private StreamingCommandRunner? _builder;

    /// <summary>Module names as Get-KernelModuleStatus shows them (or DKMS module names); wildcards allowed. All modules that need repair when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(ModuleNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Kernel releases to repair (wildcards allowed); every installed kernel when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    // Reads go through the verbose runner; dkms and dnf stream their output as they run.
    private protected override ICommandRunner CreateRunner()
    {
        var reader = new VerboseCommandRunner(WriteVerbose);
        var builder = new StreamingCommandRunner(WriteVerbose);
        _builder = builder;
        OwnRunner(() => { reader.Stop(); builder.Stop(); }, () => { reader.Dispose(); builder.Dispose(); });
        return reader;
    }

    // Input is only collected here: every pair of a root is planned together (shared DKMS builds, one
    // status read before and one after), and nothing changes while an upstream command is still reading.
    protected override void ProcessRecord()
    {
        foreach (var name in Name ?? Array.Empty<string>())
        {
            if (name is null || !ValidName().IsMatch(WildcardPattern.ContainsWildcardCharacters(name) ? WithoutWildcards(name) : name))
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.InvalidModuleName, FailureCategory.InvalidArgument,
                    $"'{name}' is not a valid module name: use only letters, digits and . _ + - (for example v4l2loopback or nvidia_drm).", name));
            }
        }
        var kernelErrors = new List<ErrorRecord>();
        KernelVersionFilter.Create(KernelVersion, kernelErrors);
        if (kernelErrors.Count > 0)
        {
            ThrowTerminatingError(kernelErrors[0]);
        }
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var entry = _work.FirstOrDefault(w => w.Root.RootPath == root.RootPath);
        if (entry.Root is null)
        {
            entry = (root, new List<(string[]?, string[]?)>());
            _work.Add(entry);
        }
        entry.Selections.Add((Name is { Length: > 0 } ? Name : null, KernelVersion is { Length: > 0 } ? KernelVersion : null));
    }

    protected override void EndProcessing()
    {
        foreach (var (root, selections) in _work)
        {
            Repair(root, selections);
        }
    }

    private void Repair(ISystemRoot root, List<(string[]? Names, string[]? Kernels)> selections)
    {
        var reader = Runner;
        var repair = new KernelModuleRepair(root, reader, _builder, WriteVerbose);
        var progress = new ProgressRecord(ProgressId, "Repair-KernelModule", "Planning");
        var selectionErrors = new List<ErrorRecord>();
        var run = repair.Plan(snapshot => RepairSelection.Pairs(root, snapshot, selections, selectionErrors), (_, command) =>
        {
            progress.CurrentOperation = command.DisplayText;
            WriteProgress(progress);
        });
        WriteDiagnostics(run.Before.Log);
        selectionErrors.ForEach(WriteError);
        if (run.IsEmpty)
        {
            WriteVerbose($"Nothing to repair under {root.RootPath}: every selected module is installed for every selected kernel.");
            return;
        }
        WriteDiagnostics(run.Log);
        run.Warnings.ToList().ForEach(WriteWarning);
        var results = repair.Apply(run, plan => Confirm(run, plan, progress), WhatIfMode.IsOn(this));
        if (run.Changes.Count > 0)
        {
            progress.RecordType = ProgressRecordType.Completed;
            progress.PercentComplete = 100;
            WriteProgress(progress);
        }
        if (results.NotPermitted is { } notPermitted)
        {
            ThrowTerminatingError(ErrorRecordFactory.From(notPermitted));
        }
        foreach (var entry in results.Entries)
        {
            if (entry.Error is { } error)
            {
                WriteFailure(error);
            }
            WriteObject(entry.Result);
        }
    }

    // One confirmation per module/version and kernel (the action several module names may share), with its commands.
    private bool Confirm(RepairRun run, ChangePlan plan, ProgressRecord progress)
    {
        var index = run.Changes.ToList().FindIndex(c => ReferenceEquals(c.Plan, plan));
        progress.StatusDescription = $"{plan.Target} ({index + 1} of {run.Changes.Count})";
        progress.PercentComplete = index * 100 / run.Changes.Count;
        progress.CurrentOperation = run.Changes[index].Action.CommandLines[0];
        WriteProgress(progress);
        return ShouldApply(plan);
    }

    private static string WithoutWildcards(string name) => name.Replace("*", "x").Replace("?", "x").Replace("[", "x").Replace("]", "x");

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]+\z")]
    private static partial Regex ValidName();
}
