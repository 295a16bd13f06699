using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Tells whether pending or installed-but-unbooted kernels will have every module this host needs.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KernelUpdate", DefaultParameterSetName = BooleanSet)]
[OutputType(typeof(bool), ParameterSetName = new[] { BooleanSet })]
[OutputType(typeof(KernelUpdateCheck), ParameterSetName = new[] { DetailedSet })]
public sealed class TestKernelUpdateCommand : KmodCommand
{
    private const string BooleanSet = "Boolean";
    private const string DetailedSet = "Detailed";

    private readonly List<string> _kernels = new();

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

    protected override void ProcessRecord()
    {
        foreach (var version in KernelVersion ?? Array.Empty<string>())
        {
            RequireValidKernelVersion(version);
            _kernels.Add(version);
        }
    }

    protected override void EndProcessing()
    {
        if (ResolveRoot(Root) is not { } root)
        {
            return;
        }
        var result = new UpdateReadinessReader(root, Runner).Check(_kernels, Source is "Repository" or "All", Source is "Installed" or "All", Offline);
        result.Log.Warnings.Where(_ => !Quiet).ToList().ForEach(WriteWarning);
        result.Log.Details.ToList().ForEach(WriteVerbose);
        result.Log.Failures.ToList().ForEach(WriteFailure);
        WriteVerbose($"Reference kernel: {result.ReferenceKernel ?? "none"}; candidates: {(result.Checks.Count == 0 ? "none" : string.Join(", ", result.Checks.Select(c => c.KernelVersion)))}.");
        if (Detailed)
        {
            result.Checks.ToList().ForEach(WriteObject);
        }
        else
        {
            WriteObject(result.Ready);
        }
    }
}
