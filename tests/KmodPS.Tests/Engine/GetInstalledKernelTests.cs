using KmodPS.Core.Models;

namespace KmodPS.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class GetInstalledKernelTests
{
    private static readonly string Alma = RepoPaths.Fixture("roots", "alma-basic");
    private static readonly string Debian = RepoPaths.Fixture("roots", "debian-merged");
    private readonly PowerShellSession _ps;

    public GetInstalledKernelTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    private PowerShellSession.Result Run(string script) => _ps.Run(script, new Dictionary<string, object?> { ["alma"] = Alma, ["debian"] = Debian });

    [Fact]
    public void PipelineFiltersRealObjects()
    {
        var result = Run("Get-InstalledKernel -Root $alma | Where-Object IsRunning -eq $false");
        Assert.Empty(result.Errors);
        var kernels = result.Output.Select(o => (InstalledKernel)o.BaseObject).ToList();
        Assert.Equal(new[] { "5.14.0-611.9.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64" }, kernels.Select(k => k.KernelVersion));
        Assert.Equal(Alma, kernels[0].Root);
    }

    [Fact]
    public void KernelVersionFiltersWithWildcards()
    {
        var result = Run("Get-InstalledKernel -Root $debian '6.1.0-1*'");
        Assert.Equal("6.1.0-10-amd64", Assert.Single(result.Output).Properties["KernelVersion"].Value);
    }

    [Fact]
    public void KernelVersionBindsFromThePipelineByPropertyName()
    {
        var result = Run("Get-InstalledKernel -Root $alma | Where-Object HasHeaders | Get-InstalledKernel");
        Assert.Empty(result.Errors);
        Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", Assert.Single(result.Output).Properties["KernelVersion"].Value);
    }

    [Fact]
    public void ComposesWithPwshStandardCmdletsAsAUsersSessionDoes()
    {
        var csv = Path.Combine(Path.GetTempPath(), "kmodps-kernels-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var result = _ps.Run(
                "Get-InstalledKernel -Root $alma | Sort-Object KernelVersion -Descending | Select-Object KernelVersion, HasHeaders | Export-Csv -Path $csv; " +
                "Import-Csv $csv | ConvertTo-Json -Compress",
                new Dictionary<string, object?> { ["alma"] = Alma, ["csv"] = csv });
            Assert.Empty(result.Errors);
            Assert.Null(result.Terminating);
            Assert.Equal("""[{"KernelVersion":"5.14.0-611.9.1.el9_7.x86_64","HasHeaders":"False"},{"KernelVersion":"5.14.0-611.41.1.el9_7.x86_64","HasHeaders":"True"}]""",
                Assert.Single(result.Output).BaseObject);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void MissingRootIsATerminatingRootNotFound()
    {
        var result = Run("Get-InstalledKernel -Root /no/such/root -ErrorAction Stop");
        Assert.Contains(result.ErrorIds, id => id.StartsWith("RootNotFound,", StringComparison.Ordinal));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void AFileAsRootIsRootNotFound()
    {
        var result = Run("Get-InstalledKernel -Root \"$alma/etc/os-release\"");
        Assert.Contains(result.ErrorIds, id => id.StartsWith("RootNotFound,", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKernelIsANonTerminatingKernelNotFoundPerName()
    {
        var result = Run("Get-InstalledKernel -Root $debian 6.1.0-10-amd64, 9.9.9-nope, 8.8.8-nope");
        Assert.Single(result.Output);
        Assert.Equal(2, result.ErrorIds.Count(id => id.StartsWith("KernelNotFound,", StringComparison.Ordinal)));
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, result.Errors[0].CategoryInfo.Category);
        Assert.Equal("9.9.9-nope", result.Errors[0].TargetObject);
    }

    [Theory]
    [InlineData("'6.1.0; reboot'")]
    [InlineData("''")]
    [InlineData("\"6.1.0`n\"")]
    public void MalformedVersionIsATerminatingInvalidKernelVersion(string argument)
    {
        // Terminating: the valid name beside it is not listed either (in a script, the statement stops and the
        // error record reaches the error stream).
        var result = Run($"Get-InstalledKernel -Root $debian -KernelVersion 6.1.0-10-amd64, {argument}");
        var error = Assert.Single(result.Terminating is { } t ? result.Errors.Append(t) : result.Errors);
        Assert.StartsWith("InvalidKernelVersion,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void InvalidNamesInTheRootAreWarningsAndTheRestIsListed()
    {
        var result = Run("Get-InstalledKernel -Root $debian");
        Assert.Equal(2, result.Output.Count);
        Assert.Contains(result.Warnings, w => w.Contains("bad name"));
    }

    [Fact]
    public void GetKernelHostReportsTheFamily()
    {
        var result = Run("Get-KernelHost -Root $alma");
        var host = (KernelHost)Assert.Single(result.Output).BaseObject;
        Assert.Equal(HostFamily.RedHat, host.Family);
        Assert.Equal("9.7", host.VersionId);
    }
}
