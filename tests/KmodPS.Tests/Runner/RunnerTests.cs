using System.Text.Json;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Runner;

public sealed class RunnerTests
{
    private static readonly string Alma = RepoPaths.Fixture("roots", "alma-basic");

    [Fact]
    public void PrintsAFormattedTableThroughTheModuleViews()
    {
        var (exit, stdout, stderr) = RunnerProcess.Run("Get-InstalledKernel", "-Root", Alma);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("KernelVersion", lines[0]);
        Assert.Contains("Headers", lines[0]);
        Assert.Matches("^-{13} ", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("5.14.0-611.41.1.el9_7.x86_64 ", StringComparison.Ordinal) && l.Contains("True"));
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public void JsonPrintsAnArrayOfObjects()
    {
        var (exit, stdout, _) = RunnerProcess.Run("--json", "Get-InstalledKernel", "-Root", Alma);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        var kernels = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, kernels.Count);
        Assert.Equal("5.14.0-611.9.1.el9_7.x86_64", kernels[0].GetProperty("KernelVersion").GetString());
        Assert.True(kernels[1].GetProperty("HasHeaders").GetBoolean());
        Assert.Equal(JsonValueKind.Null, kernels[0].GetProperty("HeadersPath").ValueKind);
    }

    [Fact]
    public void JsonKeepsTextReadableAndNumbersShort()
    {
        // The guard hooks take "Summary" out of this text with sed: only quotes, backslashes and control characters are escaped.
        var (exit, stdout, stderr) = RunnerProcess.Run("--json", "'6.1.0+deb12 <it''s> caf\u00e9 \"q\"'; 1.0; 2.5; [double]::NaN; [pscustomobject]@{ When = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); Nothing = $null }");
        Assert.True(exit == 0, stderr);
        Assert.Equal(
            "[\n  \"6.1.0+deb12 <it's> caf\u00e9 \\\"q\\\"\",\n  1,\n  2.5,\n  \"NaN\",\n  {\n    \"When\": \"2026-01-02T03:04:05.0000000Z\",\n    \"Nothing\": null\n  }\n]\n",
            stdout);
        Assert.Equal("6.1.0+deb12 <it's> caf\u00e9 \"q\"", JsonDocument.Parse(stdout).RootElement[0].GetString());
    }

    [Fact]
    public void JsonStdoutStaysJsonWhenTheHostPrintsWhatIf()
    {
        var root = Path.Combine(Path.GetTempPath(), "kmodps-json-whatif-" + Guid.NewGuid().ToString("N"));
        var (exit, stdout, stderr) = RunnerProcess.Run("--json", $"New-KmodTestRoot -Path '{root}' -Scenario Healthy -WhatIf");
        Assert.Equal(0, exit);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(stdout).RootElement.ValueKind);
        Assert.Contains("What if:", stderr);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void ExitsOneWhenTheLastOutputIsFalse()
    {
        Assert.Equal(1, RunnerProcess.Run("$true; $false").ExitCode);
        Assert.Equal(0, RunnerProcess.Run("$false; $true").ExitCode);
    }

    [Fact]
    public void ExitsTwoOnErrorsAndWritesThemToStderrWithTheirId()
    {
        var (exit, stdout, stderr) = RunnerProcess.Run("Get-InstalledKernel -Root /no/such/root");
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout.Trim());
        Assert.Contains("RootNotFound", stderr);
    }

    [Fact]
    public void AnUnsafeKernelVersionExitsTwoWithItsErrorId()
    {
        var (exit, _, stderr) = RunnerProcess.Run("Lock-Kernel '6.1.0; reboot' -Root /no/such/root");
        Assert.Equal(2, exit);
        Assert.Contains("InvalidKernelVersion", stderr);
    }

    [Fact]
    public void AcceptsPwshStandardCmdletsInTheCommandLine()
    {
        var (exit, stdout, stderr) = RunnerProcess.Run($"Get-InstalledKernel -Root '{Alma}' | Sort-Object KernelVersion | Select-Object KernelVersion, HasHeaders | ConvertTo-Json");
        Assert.True(exit == 0, stderr);
        var kernels = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(new[] { "KernelVersion", "HasHeaders" }, kernels[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.9.1.el9_7.x86_64" }, kernels.Select(k => k.GetProperty("KernelVersion").GetString()));
    }

    [Fact]
    public void ParseErrorsExitTwo() => Assert.Equal(2, RunnerProcess.Run("Get-InstalledKernel -Root (").ExitCode);
}
