using System.Management.Automation;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Tells whether pending or installed-but-unbooted kernels will have every module this host needs.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KernelUpdate")]
[OutputType(typeof(bool))]
public sealed class TestKernelUpdateCommand : PSCmdlet
{
    /// <summary>Test these kernels instead of the package manager's candidates.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[]? KernelVersion { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    /// <summary>Where candidate kernels come from: Repository, Installed or All.</summary>
    [Parameter]
    [ValidateSet("Repository", "Installed", "All")]
    public string Source { get; set; } = "All";

    /// <summary>Emit one object per candidate kernel instead of a single Boolean.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Suppress warnings.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing() => ThrowTerminatingError(NotImplementedGuard.Record("Test-KernelUpdate"));
}
