using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Guard;

[Collection(EngineCollection.Name)]
public sealed class GuardEngineTests : IDisposable
{
    private readonly PowerShellSession _ps;
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-guard-engine-");

    public GuardEngineTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    public void Dispose() => _temp.Delete(true);

    private string Copy(string fixture)
    {
        var target = Path.Combine(_temp.FullName, fixture);
        Shell.Stdout("cp", "-a", RepoPaths.Fixture("roots", fixture), target);
        return target;
    }

    private PowerShellSession.Result Run(string root, string script) => _ps.Run(script, new Dictionary<string, object?> { ["root"] = root });

    [Fact]
    public void InstallGetUninstallThroughTheEngine()
    {
        var root = Copy("debian-merged");
        var before = Listing(root);
        var whatIf = Run(root, "Install-KernelUpdateGuard -Root $root -RunnerPath /usr/bin/true -WhatIf");
        Assert.Empty(whatIf.ErrorIds);
        Assert.Empty(whatIf.Output);
        Assert.Equal(before, Listing(root));

        var installed = Run(root, "Install-KernelUpdateGuard -Root $root -RunnerPath /usr/bin/true -Promote");
        Assert.Empty(installed.ErrorIds);
        var guard = (KernelUpdateGuard)Assert.Single(installed.Output).BaseObject;
        Assert.True(guard.IsInstalled);
        Assert.Equal(HostFamily.Debian, guard.Family);
        Assert.Equal(new[] { "/etc/kernel/postinst.d/zzz-kmodps", "/etc/kernel/header_postinst.d/zzz-kmodps" }, guard.Hooks.Select(h => h.Path));
        Assert.True(guard.Promote);
        Assert.True(guard.RunnerExists);

        var shown = (KernelUpdateGuard)Assert.Single(Run(root, "Get-KernelUpdateGuard -Root $root").Output).BaseObject;
        Assert.True(shown.IsInstalled);
        Assert.Contains("\"createdStateFile\": true", shown.StateContent, StringComparison.Ordinal);

        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard -Root $root -WhatIf").ErrorIds);
        Assert.True(File.Exists(Path.Combine(root, "etc/kernel/postinst.d/zzz-kmodps")));
        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard -Root $root").ErrorIds);
        Assert.Equal(before, Listing(root));
        Assert.False(((KernelUpdateGuard)Assert.Single(Run(root, "Get-KernelUpdateGuard -Root $root").Output).BaseObject).IsInstalled);
    }

    // Runs the host's grub-editenv on the test root (and as the oracle): a lab tool.
    [LabFact]
    public void WithGrubDefaultNotSavedARollbackProtectsTheNextBootOnce()
    {
        var root = Path.Combine(_temp.FullName, "alma-grub-default-0");
        Assert.Empty(Run(root, "New-KmodTestRoot $root -Scenario AlmaNvidiaKmodMissing").ErrorIds);
        File.WriteAllText(Path.Combine(root, "etc/default/grub"), "GRUB_DEFAULT=0\nGRUB_ENABLE_BLSCFG=true\n");
        var grubenv = Path.Combine(root, "boot/grub2/grubenv");
        var before = File.ReadAllBytes(grubenv);

        Assert.Empty(Run(root, "Invoke-KernelUpdateGuard 5.14.0-611.49.1.el9_7.x86_64 -Root $root -WhatIf").ErrorIds);
        Assert.Equal(before, File.ReadAllBytes(grubenv));

        var result = Run(root, "Invoke-KernelUpdateGuard 5.14.0-611.49.1.el9_7.x86_64 -Root $root -Confirm:$false");
        Assert.Empty(result.ErrorIds);
        var decision = (KernelGuardDecision)Assert.Single(result.Output).BaseObject;
        Assert.Equal((GuardAction.RolledBackOnce, true, "5.14.0-611.49.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64"),
            (decision.Action, decision.Applied, decision.DefaultBefore, decision.DefaultAfter));
        Assert.Contains("only the next boot starts 5.14.0-611.41.1.el9_7.x86_64", Assert.Single(result.Warnings), StringComparison.Ordinal);
        // grub-editenv is the oracle: the saved default is untouched, the one-shot names the healthy kernel.
        var entries = Shell.Stdout("grub-editenv", grubenv, "list");
        Assert.Contains("saved_entry=0d1e5f7a2b3c4d5e6f708192a3b4c5d6-5.14.0-611.49.1.el9_7.x86_64\n", entries, StringComparison.Ordinal);
        Assert.Contains("next_entry=0d1e5f7a2b3c4d5e6f708192a3b4c5d6-5.14.0-611.41.1.el9_7.x86_64\n", entries, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/kmodps")]
    [InlineData("/usr/bin/kmodps; reboot")]
    [InlineData("/usr/bin/it's")]
    public void UnsafeRunnerPathIsRefusedBeforeAnythingIsWritten(string runner)
    {
        var root = Copy("alma-basic");
        var before = Listing(root);
        var result = _ps.Run("Install-KernelUpdateGuard -Root $root -RunnerPath $runner", new Dictionary<string, object?> { ["root"] = root, ["runner"] = runner });
        Assert.Contains(result.ErrorIds, id => id.StartsWith("InvalidRunnerPath,", StringComparison.Ordinal));
        Assert.Equal(before, Listing(root));
    }

    [Fact]
    public void UnsupportedFamilyIsRefused()
    {
        var root = Copy("alma-basic");
        File.WriteAllText(Path.Combine(root, "etc/os-release"), "NAME=\"SLES\"\nID=\"sles\"\nVERSION_ID=\"15.6\"\n");
        Assert.Contains(Run(root, "Install-KernelUpdateGuard -Root $root").ErrorIds, id => id.StartsWith("GuardNotSupported,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("'5.14.0; reboot'")]
    [InlineData("'$(reboot)'")]
    [InlineData("''")]
    public void InvokeValidatesTheKernelVersion(string version)
    {
        var root = Copy("alma-basic");
        var before = Listing(root);
        Assert.Contains(Run(root, $"Invoke-KernelUpdateGuard {version} -Root $root").ErrorIds, id => id.StartsWith("InvalidKernelVersion,", StringComparison.Ordinal));
        // A kernel that is not installed fails that input only: non-terminating, no verdict.
        var notFound = Run(root, "Invoke-KernelUpdateGuard 9.9.9-none -Root $root");
        Assert.Equal("KernelNotFound,KmodPS.Commands.InvokeKernelUpdateGuardCommand", Assert.Single(notFound.ErrorIds));
        Assert.Null(notFound.Terminating);
        Assert.Empty(notFound.Output);
        Assert.Equal(before, Listing(root));
    }

    [Fact]
    public void RepairUnderWhatIfIsSkippedAndRecordsNothing()
    {
        var root = Copy("alma-basic");
        var result = Run(root, "Invoke-KernelUpdateGuard 5.14.0-611.41.1.el9_7 -Root $root -Repair -WhatIf");
        var decision = (KernelGuardDecision)Assert.Single(result.Output).BaseObject;
        Assert.Equal(("Skipped", false), (decision.Repair, File.Exists(Path.Combine(root, "var/lib/kmodps/guard.json"))));
    }

    [Fact]
    public void RepairCallsTheRepairServiceDirectlyNotACommandOfThatName()
    {
        // DebianDkmsStale: 6.1.0-55-amd64 has no headers, so its v4l2loopback repair is Blocked without running anything.
        var root = Path.Combine(_temp.FullName, "deb-repair");
        using var session = new PowerShellSession();
        Assert.Empty(session.Run("New-KmodTestRoot $root -Scenario DebianDkmsStale", new Dictionary<string, object?> { ["root"] = root }).ErrorIds);
        session.Run("function global:Repair-KernelModule { [CmdletBinding(SupportsShouldProcess)] param([string[]]$KernelVersion, [string]$Root) $global:repairCall = 'called' }");
        var result = session.Run("Invoke-KernelUpdateGuard 6.1.0-55-amd64 -Root $root -Repair -Confirm:$false", new Dictionary<string, object?> { ["root"] = root });
        var decision = (KernelGuardDecision)Assert.Single(result.Output).BaseObject;
        Assert.StartsWith("Ran with 1 error(s): headers not installed for 6.1.0-55-amd64", decision.Repair, StringComparison.Ordinal);
        Assert.Contains(result.Warnings, w => w.StartsWith("Repairing the modules of 6.1.0-55-amd64: headers not installed", StringComparison.Ordinal));
        Assert.DoesNotContain(session.Run("$global:repairCall").Output, o => o is not null);
        // The verdict is recorded through the change pipeline.
        Assert.Contains("\"kernelVersion\": \"6.1.0-55-amd64\"", File.ReadAllText(Path.Combine(root, "var/lib/kmodps/guard.json")), StringComparison.Ordinal);
    }

    private static string Listing(string root) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is { LinkTarget: { } link } ? $"{p} -> {link}"
                : $"{p} {File.GetUnixFileMode(p)} {(File.Exists(p) ? Convert.ToHexString(File.ReadAllBytes(p)) : "dir")}"));
}
