using System.Management.Automation;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Repair;

/// <summary>
/// Repair-KernelModule through the engine: argument validation happens before anything is read or run, and each
/// module and kernel is reported once. DebianDkmsStale has two pairs that nothing can repair in a test root:
/// v4l2loopback on 6.1.0-55-amd64 (no headers) and on 6.1.0-56-amd64 (no dkms in the root).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class RepairCommandTests : IDisposable
{
    private const string Problems = "Get-KernelModuleStatus -Root $root -Problem -WarningAction SilentlyContinue";
    private readonly PowerShellSession _ps;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-repair-" + Guid.NewGuid().ToString("N"));

    public RepairCommandTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("-WhatIf")]
    [InlineData("")]
    public void EachPairOfTheProblemRowsIsReportedByExactlyOneRow(string whatIf)
    {
        var root = Build("DebianDkmsStale");
        var pairs = _ps.Run(Problems + " | ForEach-Object { $_.Name + ' ' + $_.KernelVersion } | Sort-Object -Unique", Vars(root));
        var result = _ps.Run($"{Problems} | Repair-KernelModule -Root $root {whatIf} -Confirm:$false -WarningAction SilentlyContinue", Vars(root));
        var rows = Rows(result);
        Assert.Equal(new[] { "v4l2loopback 6.1.0-55-amd64", "v4l2loopback 6.1.0-56-amd64" }, pairs.Output.Select(o => o.ToString()));
        Assert.Equal(pairs.Output.Select(o => o.ToString()), rows.Select(r => r.Name + " " + r.KernelVersion));
    }

    [Fact]
    public void WhatIfOnAHeaderlessRootIsOneBlockedRowPerPairAndNoError()
    {
        var root = Build("DebianDkmsStale");
        var result = _ps.Run($"{Problems} | Repair-KernelModule -Root $root -WhatIf -WarningAction SilentlyContinue", Vars(root));
        Assert.Empty(result.ErrorIds);
        var rows = Rows(result);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(RepairOutcome.Blocked, r.Outcome));
        Assert.All(rows, r => Assert.Empty(r.Commands));
        var headerless = rows.Single(r => r.KernelVersion == "6.1.0-55-amd64");
        Assert.Equal("headers not installed for 6.1.0-55-amd64: DKMS cannot build v4l2loopback/0.12.7 without them; install linux-headers-6.1.0-55-amd64 (dkms was not run).",
            headerless.Message);
    }

    [Theory]
    [InlineData("& { $WhatIfPreference = $true; Repair-KernelModule -Root $root -WarningAction SilentlyContinue }", true)]
    [InlineData("& { function Invoke-Fix { [CmdletBinding(SupportsShouldProcess)] param($Root) Repair-KernelModule -Root $Root -WarningAction SilentlyContinue }; Invoke-Fix -Root $root -WhatIf }", true)]
    [InlineData("& { $WhatIfPreference = $true; Repair-KernelModule -Root $root -WhatIf:$false -WarningAction SilentlyContinue }", false)]
    public void APreviewIsWhatShouldProcessTakesForOne(string command, bool preview)
    {
        var result = _ps.Run(command, Vars(Build("DebianDkmsStale")));
        Assert.Equal(new[] { RepairOutcome.Blocked, RepairOutcome.Blocked }, Rows(result).Select(r => r.Outcome));
        Assert.Equal(preview ? 0 : 2, result.Errors.Count);
    }

    [Fact]
    public void WithoutWhatIfEachBlockedPairIsOneErrorWhoseTargetIsItsRow()
    {
        var root = Build("DebianDkmsStale");
        var result = _ps.Run($"{Problems} | Repair-KernelModule -Root $root -Confirm:$false -WarningAction SilentlyContinue", Vars(root));
        var rows = Rows(result);
        Assert.Equal(new[] { RepairOutcome.Blocked, RepairOutcome.Blocked }, rows.Select(r => r.Outcome));
        Assert.Equal(new[] { "HeadersNotInstalled,KmodPS.Commands.RepairKernelModuleCommand", "DkmsNotFound,KmodPS.Commands.RepairKernelModuleCommand" }, result.ErrorIds);
        Assert.Equal(rows, result.Errors.Select(e => (RepairResult)(e.TargetObject is PSObject p ? p.BaseObject : e.TargetObject)));
        Assert.Equal(rows.Select(r => r.Message), result.Errors.Select(e => e.Exception.Message));
    }

    [Fact]
    public void PairsThatOnePackageProvidesShareOneError()
    {
        // kmod-nvidia-open ships nvidia, nvidia_drm, nvidia_modeset and nvidia_uvm: 4 rows per kernel, one error per kernel.
        var root = Build("AlmaNvidiaKmodMissing");
        var result = _ps.Run($"{Problems} | Repair-KernelModule -Root $root -Confirm:$false -WarningAction SilentlyContinue", Vars(root));
        var rows = Rows(result);
        Assert.Equal(8, rows.Count);
        Assert.All(rows, r => Assert.Equal(RepairOutcome.Blocked, r.Outcome));
        Assert.Equal(new[] { "5.14.0-611.45.1.el9_7.x86_64", "5.14.0-611.49.1.el9_7.x86_64" },
            result.Errors.Select(e => Assert.IsType<RepairResult>(e.TargetObject is PSObject p ? p.BaseObject : e.TargetObject).KernelVersion));
        Assert.All(result.ErrorIds, id => Assert.StartsWith("KmodPackageNotFound,", id));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void TheDefaultTableFitsTheWidthAndWrapsMessagesAtWords(int width)
    {
        var root = Build("DebianDkmsStale");
        var result = _ps.Run($"{Problems} | Repair-KernelModule -Root $root -WhatIf -WarningAction SilentlyContinue | Out-String -Width {width}", Vars(root));
        var table = (string)Assert.Single(result.Output).BaseObject;
        var lines = table.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length < 80, $"{l.TrimEnd().Length} columns: {l}"));
        Assert.Contains(lines, l => l.StartsWith("Module ", StringComparison.Ordinal) && l.Contains("Outcome") && l.Contains("Message"));
        var shown = table.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var messages = _ps.Run($"{Problems} | Repair-KernelModule -Root $root -WhatIf -WarningAction SilentlyContinue | ForEach-Object Message", Vars(root));
        // Words longer than the column (the test root's path) are cut; every other word is shown whole.
        Assert.All(messages.Output.SelectMany(m => m.ToString().Split(' ')).Where(w => w.Length <= 38), word => Assert.Contains(word, shown));
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

    private string Build(string scenario)
    {
        var root = Path.Combine(_directory, scenario + Guid.NewGuid().ToString("N")[..6]);
        var result = _ps.Run("New-KmodTestRoot -Path $root -Scenario $scenario", new Dictionary<string, object?> { ["root"] = root, ["scenario"] = scenario });
        Assert.Empty(result.Errors);
        return root;
    }

    private static Dictionary<string, object?> Vars(string root) => new() { ["root"] = root };

    private static List<RepairResult> Rows(PowerShellSession.Result result) => result.Output.Select(o => Assert.IsType<RepairResult>(o.BaseObject)).ToList();
}
