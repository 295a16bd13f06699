using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Removal;

[Collection(EngineCollection.Name)]
public sealed class RemoveKernelEngineTests
{
    private static readonly string Alma = RepoPaths.Fixture("roots", "alma-basic");
    private readonly PowerShellSession _ps;

    public RemoveKernelEngineTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    private PowerShellSession.Result Run(string script) => _ps.Run(script, new Dictionary<string, object?> { ["alma"] = Alma });

    [Theory]
    [InlineData("'5.14.0; reboot'")]
    [InlineData("'$(reboot)'")]
    [InlineData("'a b'")]
    [InlineData("\"5.14.0`nx\"")]
    [InlineData("'../../etc'")]
    [InlineData("5.14.0-611.41.1.el9_7, 'x|y'")]
    public void EveryVersionIsValidatedBeforeAnythingIsRead(string versions)
    {
        var result = Run($"Remove-Kernel {versions} -Root $alma -Confirm:$false");
        Assert.Contains(result.ErrorIds, id => id.StartsWith("InvalidKernelVersion,", StringComparison.Ordinal));
        Assert.Single(result.ErrorIds);
    }

    [Fact]
    public void UnknownKernelAndRootAreReported()
    {
        Assert.Contains(Run("Remove-Kernel 9.9.9-none -Root $alma -Confirm:$false").ErrorIds, id => id.StartsWith("KernelNotFound,", StringComparison.Ordinal));
        Assert.Contains(Run("Remove-Kernel 9.9.9-none -Root /no/such/root -Confirm:$false").ErrorIds, id => id.StartsWith("RootNotFound,", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnreadablePackageDatabaseIsOneErrorPerKernelWithTheKernelAsTarget()
    {
        var result = Run("Remove-Kernel 5.14.0-611.9.1.el9_7, 5.14.0-611.41.1.el9_7 -Root $alma -Confirm:$false");
        Assert.Equal(new[] { "PackageDatabaseUnavailable,KmodPS.Commands.RemoveKernelCommand", "PackageDatabaseUnavailable,KmodPS.Commands.RemoveKernelCommand" }, result.ErrorIds);
        Assert.Equal(new object[] { "5.14.0-611.9.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64" }, result.Errors.Select(e => e.TargetObject));
    }

    [Fact]
    public void ConfirmImpactIsHigh()
    {
        var impact = _ps.Run("(Get-Command Remove-Kernel).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact").Output.Single();
        Assert.Equal("High", impact.ToString());
        Assert.Contains("Force", _ps.Run("(Get-Command Remove-Kernel).Parameters.Keys").Output.Select(o => o.ToString()));
    }
}
