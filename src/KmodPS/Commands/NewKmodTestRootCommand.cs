using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Infrastructure;
using KmodPS.Core.Platform;
using KmodPS.Core.TestRoots;

namespace KmodPS.Commands;

/// <summary>Builds a realistic fake system root for a named scenario, for Pester tests of runbooks.</summary>
[Cmdlet(VerbsCommon.New, "KmodTestRoot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DirectoryInfo))]
public sealed class NewKmodTestRootCommand : KmodCommand
{
    /// <summary>The directory to create (it must not exist or be empty); PowerShell paths such as TestDrive:/h work.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = string.Empty;

    /// <summary>The scenario to build.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public TestRootScenario Scenario { get; set; }

    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.TestRootNotEmpty, FailureCategory.ResourceUnavailable,
                $"'{target}' already exists and is not empty: a test root is built in a new or empty directory.", target));
            return;
        }
        if (!ShouldProcess(target, $"Build the {Scenario} test root"))
        {
            return;
        }
        Directory.CreateDirectory(target);
        try
        {
            TestRootBuilder.Build(target, Scenario);
        }
        catch (PathOutsideRootException e)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, target));
            return;
        }
        WriteObject(new DirectoryInfo(target));
    }
}
