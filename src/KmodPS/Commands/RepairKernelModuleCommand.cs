using System.Management.Automation;
using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Completion;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;
using KmodPS.Core.Repair;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Commands;

/// <summary>
/// Rebuilds and installs DKMS modules (real dkms) and installs missing kmod packages (dnf) for every installed
/// kernel, then reads the status back: one <see cref="RepairResult"/> per (module, kernel) pair.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "KernelModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairResult))]
public sealed partial class RepairKernelModuleCommand : PSCmdlet, IDisposable
{
    private const int ProgressId = 7;
    private readonly List<(ISystemRoot Root, List<Selector> Selectors)> _work = new();
    private VerboseCommandRunner? _reader;
    private StreamingCommandRunner? _streaming;
    private bool _privilegeChecked;

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

    /// <summary>The system root to repair instead of <c>/</c>; dkms then runs inside it with chroot.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    private sealed record Selector(string[]? Names, string[]? Kernels);

    protected override void BeginProcessing()
    {
        _reader = new VerboseCommandRunner(WriteVerbose);
        _streaming = new StreamingCommandRunner(WriteVerbose);
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
        var root = RootResolver.Resolve(this, Root);
        var entry = _work.FirstOrDefault(w => w.Root.RootPath == root.RootPath);
        if (entry.Root is null)
        {
            entry = (root, new List<Selector>());
            _work.Add(entry);
        }
        entry.Selectors.Add(new Selector(Name is { Length: > 0 } ? Name : null, KernelVersion is { Length: > 0 } ? KernelVersion : null));
    }

    protected override void EndProcessing()
    {
        foreach (var (root, selectors) in _work)
        {
            RepairRoot(root, selectors);
        }
    }

    private void RepairRoot(ISystemRoot root, List<Selector> selectors)
    {
        var before = new ModuleStatusReader(root, _reader!).Read();
        DiagnosticOutput.Write(this, before.Log);
        var selectionErrors = new List<ErrorRecord>();
        var pairs = RepairSelection.Pairs(root, before, selectors.Select(s => (s.Names, s.Kernels)), selectionErrors);
        selectionErrors.ForEach(WriteError);
        if (pairs.Count == 0)
        {
            WriteVerbose($"Nothing to repair under {root.RootPath}: every selected module is installed for every selected kernel.");
            return;
        }
        var log = new DiagnosticLog();
        var input = new RepairReader(root, _reader!).Read(before, pairs, log);
        DiagnosticOutput.Write(this, log);
        var plan = RepairPlanner.Plan(input);
        WarnIfDkmsKeyNotEnrolled(root, before, plan);
        var executions = Execute(root, plan);
        var after = executions.Count > 0 ? new ModuleStatusReader(root, _reader!).Read() : before;
        foreach (var entry in RepairReport.Build(plan, executions, WhatIfMode.IsOn(this), after.Rows, after.Dkms, root.RootPath))
        {
            if (entry.Error is { } error)
            {
                WriteError(ErrorRecordFactory.From(error));
            }
            WriteObject(entry.Result);
        }
    }

    private Dictionary<string, RepairExecution> Execute(ISystemRoot root, RepairPlan plan)
    {
        var executions = new Dictionary<string, RepairExecution>(StringComparer.Ordinal);
        if (plan.Actions.Count == 0)
        {
            return executions;
        }
        var progress = new ProgressRecord(ProgressId, "Repair-KernelModule", "Planning");
        for (var i = 0; i < plan.Actions.Count; i++)
        {
            var action = plan.Actions[i];
            var commands = string.Join(" ; ", action.CommandLines);
            progress.StatusDescription = $"{action.Target} ({i + 1} of {plan.Actions.Count})";
            progress.PercentComplete = i * 100 / plan.Actions.Count;
            progress.CurrentOperation = action.CommandLines[0];
            WriteProgress(progress);
            if (!ShouldProcess($"Repair {action.Target}: {commands}", $"Run {commands}?", "Repair-KernelModule"))
            {
                continue;
            }
            EnsurePrivileged();
            executions[action.Key] = RepairExecutor.Run(action, _streaming!, root, command =>
            {
                progress.CurrentOperation = command.DisplayText;
                WriteProgress(progress);
            });
        }
        progress.RecordType = ProgressRecordType.Completed;
        progress.PercentComplete = 100;
        WriteProgress(progress);
        return executions;
    }

    private void WarnIfDkmsKeyNotEnrolled(ISystemRoot root, ModuleStatusSnapshot snapshot, RepairPlan plan)
    {
        if (snapshot.SecureBoot.Mode != SecureBootMode.Enabled || !plan.Actions.Any(a => a.Provider == ModuleProvider.Dkms))
        {
            return;
        }
        var signer = DkmsSigningCertificate.AsSigner(root);
        if (signer is null || !snapshot.SecureBoot.IsTrusted(signer))
        {
            var certificate = DkmsSigningCertificate.FindPath(root) ?? "<the DKMS signing certificate>";
            WriteWarning($"Secure Boot is on and the DKMS signing key is not enrolled: modules dkms builds now will be rejected at load until you enrol it: mokutil --import {certificate}");
        }
    }

    // dkms install, chroot and dnf need root; checked before the first confirmed change, not under -WhatIf.
    private void EnsurePrivileged()
    {
        if (_privilegeChecked)
        {
            return;
        }
        _privilegeChecked = true;
        if (ProcessPrivileges.EffectiveUserId() is not (0 or null))
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.RootRequired, FailureCategory.PermissionDenied,
                "Repair-KernelModule runs dkms (and chroot or dnf), which need root: run it as root (sudo).", Root ?? "/"));
        }
    }

    private static string WithoutWildcards(string name) => name.Replace("*", "x").Replace("?", "x").Replace("[", "x").Replace("]", "x");

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]+\z")]
    private static partial Regex ValidName();

    protected override void StopProcessing()
    {
        _reader?.Stop();
        _streaming?.Stop();
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _streaming?.Dispose();
    }
}
