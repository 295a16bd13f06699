using System.Management.Automation;

namespace KmodPS.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class ModuleSurfaceTests
{
    public static readonly string[] ExportedCmdlets =
    {
        "Get-InstalledKernel", "Get-KernelHost", "Get-KernelModuleStatus", "Test-KernelUpdate",
        "Set-DefaultKernel", "Lock-Kernel", "Unlock-Kernel", "Get-KernelLock", "Export-KernelModuleMetrics", "New-KmodTestRoot",
        "Remove-Kernel", "Install-KernelUpdateGuard", "Uninstall-KernelUpdateGuard", "Get-KernelUpdateGuard", "Invoke-KernelUpdateGuard", "Repair-KernelModule",
    };

    private readonly PowerShellSession _ps;

    public ModuleSurfaceTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    [Fact]
    public void ExportsExactlyTheDocumentedCmdlets()
    {
        var result = _ps.Run("Get-Command -Module KmodPS | ForEach-Object Name");
        Assert.Empty(result.Errors);
        Assert.Equal(ExportedCmdlets.Order(), result.Output.Select(o => o.ToString()).Order());
    }

    [Fact]
    public void EveryCmdletHasADocsPage()
    {
        foreach (var name in ExportedCmdlets)
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Docs, name + ".md")), $"docs/{name}.md is missing");
        }
        Assert.True(File.Exists(Path.Combine(RepoPaths.Docs, "about_KmodPS.md")));
    }

    public static TheoryData<string> Cmdlets() => new(ExportedCmdlets);

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void FullHelpShowsSynopsisEveryParameterAndExamples(string name)
    {
        var help = _ps.Run($"Get-Help {name} -Full");
        Assert.Empty(help.Errors);
        var info = help.Output.Single();
        var synopsis = info.Properties["Synopsis"].Value?.ToString() ?? string.Empty;
        Assert.False(string.IsNullOrWhiteSpace(synopsis));
        Assert.DoesNotContain(name + " ", synopsis.Trim() + " ", StringComparison.Ordinal);
        var documented = _ps.Run($"(Get-Help {name} -Full).parameters.parameter | ForEach-Object name").Output.Select(o => o.ToString()).ToHashSet();
        var actual = _ps.Run($"(Get-Command {name}).Parameters.Keys").Output.Select(o => o.ToString())
            .Except(CommonParameters).ToList();
        Assert.NotEmpty(actual);
        Assert.All(actual, p => Assert.Contains(p, documented));
        var examples = _ps.Run($"@((Get-Help {name} -Full).examples.example).Count").Output.Single();
        Assert.True((int)examples.BaseObject >= 3, $"{name} has fewer than three examples");
    }

    [Fact]
    public void AboutTopicIsAvailable()
    {
        var about = _ps.Run("Get-Help about_KmodPS");
        Assert.Empty(about.Errors);
        Assert.Contains("KmodPS", string.Join('\n', about.Output.Select(o => o.ToString())));
    }

    private static readonly string[] CommonParameters =
        Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters).ToArray();
}
