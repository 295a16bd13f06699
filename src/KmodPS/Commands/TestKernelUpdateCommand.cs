using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Tells whether pending or installed-but-unbooted kernels will have every module this host needs.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KernelUpdate", DefaultParameterSetName = BooleanSet)]
[OutputType(typeof(bool), ParameterSetName = new[] { BooleanSet })]
[OutputType(typeof(KernelUpdateCheck), ParameterSetName = new[] { DetailedSet })]
public sealed class TestKernelUpdateCommand : PSCmdlet, IDisposable
{
    private const string BooleanSet = "Boolean";
    private const string DetailedSet = "Detailed";

    private readonly List<string> _kernels = new();
    private VerboseCommandRunner? _runner;
    private bool _invalidInput;

    /// <summary>Test these kernels instead of the package manager's candidates.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelCandidateCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Where candidate kernels come from: Repository, Installed or All.</summary>
    [Parameter]
    [ValidateSet("Repository", "Installed", "All")]
    public string Source { get; set; } = "All";

    /// <summary>Emit one object per candidate kernel instead of a single Boolean.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DetailedSet)]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Suppress warnings.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Use only the package manager's cached metadata (no network).</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        foreach (var version in KernelVersion ?? Array.Empty<string>())
        {
            if (!KernelRelease.IsValid(version))
            {
                WriteError(KernelVersionFilter.InvalidKernelVersion(version));
                _invalidInput = true;
                continue;
            }
            _kernels.Add(version);
        }
    }

    protected override void EndProcessing()
    {
        var root = RootResolver.Resolve(this, Root);
        if (_invalidInput && _kernels.Count == 0)
        {
            WriteResult(null, false);
            return;
        }
        var result = new UpdateReadinessReader(root, _runner!).Check(_kernels, Source is "Repository" or "All", Source is "Installed" or "All", Offline);
        foreach (var warning in result.Log.Warnings.Where(_ => !Quiet))
        {
            WriteWarning(warning);
        }
        foreach (var failure in result.Log.Failures)
        {
            WriteError(ErrorRecordFactory.From(failure));
        }
        WriteVerbose($"Reference kernel: {result.ReferenceKernel ?? "none"}; candidates: {(result.Checks.Count == 0 ? "none" : string.Join(", ", result.Checks.Select(c => c.KernelVersion)))}.");
        if (!Quiet)
        {
            foreach (var check in result.Checks.Where(c => !c.Ready))
            {
                foreach (var problem in check.Problems)
                {
                    WriteWarning($"{check.KernelVersion}: {problem.Module}: {problem.Reason}. Next step: {problem.Remediation}");
                }
            }
        }
        WriteResult(result, result.Ready && !_invalidInput);
    }

    private void WriteResult(UpdateReadinessResult? result, bool ready)
    {
        if (Detailed)
        {
            foreach (var check in result?.Checks ?? Array.Empty<KernelUpdateCheck>())
            {
                WriteObject(check);
            }
        }
        else
        {
            WriteObject(ready);
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
