namespace KmodPS.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class CompletionTests
{
    private static readonly string Alma = RepoPaths.Fixture("roots", "alma-basic");
    private readonly PowerShellSession _ps;

    public CompletionTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    [Theory]
    [InlineData("Get-InstalledKernel -Root {0} -KernelVersion 5.14.0-611.4")]
    [InlineData("Get-KernelModuleStatus -Root {0} 5.14.0-611.4")]
    [InlineData("Set-DefaultKernel -Root {0} -KernelVersion 5.14.0-611.4")]
    [InlineData("Test-KernelUpdate -Root {0} -KernelVersion 5.14.0-611.4")]
    public void KernelVersionCompletesFromTheBoundRoot(string template)
    {
        Assert.Equal(new[] { "5.14.0-611.41.1.el9_7.x86_64" }, Complete(string.Format(template, Alma)));
    }

    [Fact]
    public void KernelVersionOffersEveryKernelNewestFirst() =>
        Assert.Equal(new[] { "5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.9.1.el9_7.x86_64" }, Complete($"Get-InstalledKernel -Root {Alma} -KernelVersion "));

    [Fact]
    public void NameHasNothingToOfferWhereThereAreNoOutOfTreeModules() =>
        Assert.Empty(Complete($"Get-KernelModuleStatus -Root {RepoPaths.Fixture("roots", "debian-merged")} -Name "));

    private List<string> Complete(string input) => Completion.Complete(_ps, input);
}

/// <summary>Runs PowerShell's own completion engine on a command line.</summary>
public static class Completion
{
    public static List<string> Complete(PowerShellSession ps, string input)
    {
        var result = ps.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($in, $in.Length, $null).CompletionMatches | ForEach-Object CompletionText",
            new Dictionary<string, object?> { ["in"] = input });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => o.ToString()).ToList();
    }
}
