using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Repair;

/// <summary>Repair-KernelModule through the engine: argument validation happens before anything is read or run.</summary>
[Collection(EngineCollection.Name)]
public sealed class RepairCommandTests
{
    private readonly PowerShellSession _ps;

    public RepairCommandTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    [Theory]
    [InlineData("Repair-KernelModule -Name 'v4l2loopback; reboot' -WhatIf", "InvalidModuleName")]
    [InlineData("Repair-KernelModule -Name '$(reboot)' -WhatIf", "InvalidModuleName")]
    [InlineData("Repair-KernelModule -Name '' -WhatIf", "InvalidModuleName")]
    [InlineData("Repair-KernelModule -KernelVersion '6.1.0; reboot' -WhatIf", "InvalidKernelVersion")]
    [InlineData("Repair-KernelModule -KernelVersion \"6.1`n0\" -WhatIf", "InvalidKernelVersion")]
    [InlineData("Repair-KernelModule -Root /nonexistent/kmodps-root -WhatIf", "RootNotFound")]
    public void BadArgumentsAreTerminatingErrorsWithStableIds(string command, string errorId)
    {
        var result = _ps.Run(command);
        Assert.Empty(result.Output);
        Assert.Equal(errorId + ",KmodPS.Commands.RepairKernelModuleCommand", Assert.Single(result.ErrorIds));
    }

    [Fact]
    public void PipelineRowsBindByPropertyName()
    {
        var result = _ps.Run("[pscustomobject]@{ Name = 'x;y'; KernelVersion = '6.1.0-56-amd64'; Root = '/' } | Repair-KernelModule -WhatIf");
        Assert.StartsWith("InvalidModuleName,", Assert.Single(result.ErrorIds));
    }

    [Fact]
    public void WhatIfAndConfirmAreSupportedWithMediumImpact()
    {
        var result = _ps.Run("$c = Get-Command Repair-KernelModule; $c.Parameters.ContainsKey('WhatIf'); $c.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact");
        Assert.Equal(new[] { "True", "Medium" }, result.Output.Select(o => o.ToString()));
    }
}
