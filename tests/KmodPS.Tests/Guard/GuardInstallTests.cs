using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Guard;

public sealed class GuardInstallTests : IDisposable
{
    private static readonly GuardOptions Options = new("/usr/local/bin/kmodps", false, true);
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-guard-");

    public void Dispose() => _temp.Delete(true);

    private DirectorySystemRoot Root(string fixture)
    {
        var target = Path.Combine(_temp.FullName, fixture);
        Lab.Shell.Stdout("cp", "-a", RepoPaths.Fixture("roots", fixture), target);
        return new DirectorySystemRoot(target);
    }

    private static string Listing(ISystemRoot root) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(root.RootPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is { LinkTarget: { } link } ? $"{p} -> {link}"
                : $"{p} {File.GetUnixFileMode(p)} {(File.Exists(p) ? Convert.ToHexString(File.ReadAllBytes(p)) : "dir")}"));

    private static void Install(ISystemRoot root, HostFamily family, GuardOptions options)
    {
        var plan = GuardInstallPlanner.Plan(root, family, options, GuardStateFile.Read(root, out _), Now);
        Assert.Null(plan.Refusal);
        Assert.Null(new GuardInstaller(root).Install(plan));
    }

    private static void Uninstall(ISystemRoot root, HostFamily family) =>
        Assert.Null(new GuardInstaller(root).Uninstall(GuardUninstallPlanner.Plan(root, family, GuardStateFile.Read(root, out _))));

    [Fact]
    public void DebianInstallWritesBothRunPartsHooksAndUninstallRestoresTheTreeExactly()
    {
        var root = Root("debian-merged");
        var before = Listing(root);
        Install(root, HostFamily.Debian, Options);
        foreach (var path in new[] { GuardLayout.KernelPostinst, GuardLayout.HeaderPostinst })
        {
            Assert.Equal("0755", GuardInstallPlan.Octal(File.GetUnixFileMode(root.MapPath(path))));
        }
        var state = GuardStateFile.Read(root, out var error)!;
        Assert.Null(error);
        Assert.True(state.Installation!.CreatedStateFile);
        Assert.Equal(new[] { "/etc/kernel", "/etc/kernel/postinst.d", "/etc/kernel/header_postinst.d", "/var/lib/kmodps" }, state.Installation.CreatedDirectories);
        Uninstall(root, HostFamily.Debian);
        Assert.Equal(before, Listing(root));
    }

    [Fact]
    public void SecondInstallWithTheSameOptionsPlansNothingAndNewOptionsRewriteTheHooks()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        var again = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, GuardStateFile.Read(root, out _), Now.AddHours(1));
        Assert.True(again.IsNoOp);
        var changed = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options with { Repair = true }, GuardStateFile.Read(root, out _), Now.AddHours(1));
        Assert.Equal(new[] { GuardLayout.KernelInstallPlugin }, changed.Writes.Select(w => w.Path));
        Assert.Empty(changed.CreateDirectories);
        Assert.True(changed.State!.Installation!.CreatedStateFile);
        Assert.Contains("/etc/kernel/install.d", changed.State.Installation.CreatedDirectories);
    }

    [Fact]
    public void ForeignFileAtAHookPathIsNotOverwritten()
    {
        var root = Root("alma-basic");
        Directory.CreateDirectory(root.MapPath("/etc/kernel/install.d"));
        File.WriteAllText(root.MapPath(GuardLayout.KernelInstallPlugin), "#!/bin/sh\necho mine\n");
        var plan = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, null, Now);
        Assert.Equal("HookPathOccupied", plan.Refusal?.ErrorId);
    }

    [Fact]
    public void DnfActionIsAddedWhereThePluginsActionDirectoryExists()
    {
        var root = Root("alma-basic");
        Directory.CreateDirectory(root.MapPath(GuardLayout.DnfActionDirectory));
        var plan = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, null, Now);
        Assert.Equal(new[] { GuardLayout.KernelInstallPlugin, GuardLayout.DnfAction }, plan.Writes.Select(w => w.Path));
        Assert.DoesNotContain(GuardLayout.DnfActionDirectory, plan.CreateDirectories);
    }

    [Fact]
    public void UnsupportedFamilyIsRefused()
    {
        Assert.Equal("GuardNotSupported", GuardInstallPlanner.Plan(Root("alma-basic"), HostFamily.Suse, Options, null, Now).Refusal?.ErrorId);
    }

    [Fact]
    public void PreexistingStateFileKeepsItsVerdictAfterUninstall()
    {
        var root = Root("alma-basic");
        GuardStateFile.Write(root, new GuardState { LastHealthyKernel = "5.14.0-611.41.1.el9_7.x86_64" });
        Install(root, HostFamily.RedHat, Options);
        Assert.False(GuardStateFile.Read(root, out _)!.Installation!.CreatedStateFile);
        Uninstall(root, HostFamily.RedHat);
        var state = GuardStateFile.Read(root, out _)!;
        Assert.Null(state.Installation);
        Assert.Equal("5.14.0-611.41.1.el9_7.x86_64", state.LastHealthyKernel);
        Assert.False(File.Exists(root.MapPath(GuardLayout.KernelInstallPlugin)));
        Assert.False(Directory.Exists(root.MapPath("/etc/kernel/install.d")));
    }

    [Fact]
    public void AHookThatCannotBeDeletedIsGuardNotUninstalled()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        var plan = GuardUninstallPlanner.Plan(root, HostFamily.RedHat, GuardStateFile.Read(root, out _));
        // Between plan and execution the hook path became a directory (another tool's work): unlink fails.
        var hook = root.MapPath(GuardLayout.KernelInstallPlugin);
        File.Delete(hook);
        Directory.CreateDirectory(Path.Combine(hook, "keep"));
        var failure = new GuardInstaller(root).Uninstall(plan);
        Assert.Equal((ErrorIds.GuardNotUninstalled, FailureCategory.WriteError), (failure?.ErrorId, failure?.Category));
        Assert.True(Directory.Exists(Path.Combine(hook, "keep")));
    }

    [Fact]
    public void AHookReplacedByAnotherFileIsLeftAlone()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        File.WriteAllText(root.MapPath(GuardLayout.KernelInstallPlugin), "#!/bin/sh\necho mine\n");
        var plan = GuardUninstallPlanner.Plan(root, HostFamily.RedHat, GuardStateFile.Read(root, out _));
        Assert.Empty(plan.Deletes);
        Assert.Single(plan.Kept);
        Assert.Null(new GuardInstaller(root).Uninstall(plan));
        Assert.Equal("#!/bin/sh\necho mine\n", File.ReadAllText(root.MapPath(GuardLayout.KernelInstallPlugin)));
        Assert.True(Directory.Exists(root.MapPath("/etc/kernel/install.d")));
    }

    [Fact]
    public void InspectorReportsCurrentAndEditedHooks()
    {
        var root = Root("debian-merged");
        Install(root, HostFamily.Debian, Options);
        var warnings = new List<string>();
        var guard = GuardInspector.Inspect(root, HostFamily.Debian, GuardStateFile.Read(root, out _), warnings);
        Assert.True(guard.IsInstalled);
        Assert.Equal("/usr/local/bin/kmodps", guard.RunnerPath);
        Assert.True(guard.Promote);
        Assert.Empty(warnings);
        File.AppendAllText(root.MapPath(GuardLayout.HeaderPostinst), "# edited\n");
        guard = GuardInspector.Inspect(root, HostFamily.Debian, GuardStateFile.Read(root, out _), warnings);
        Assert.False(guard.IsInstalled);
        Assert.False(guard.Hooks.Single(h => h.Kind == GuardHookKind.HeaderPostinst).IsCurrent);
        Assert.True(guard.Hooks.Single(h => h.Kind == GuardHookKind.HeaderPostinst).IsKmodPS);
        Assert.Single(warnings);
    }

    [Fact]
    public void StateRoundTripsThroughJson()
    {
        var state = new GuardState
        {
            Installation = new GuardInstallation("0.1.0", Now, "/usr/local/bin/kmodps", false, true, new[] { GuardLayout.KernelInstallPlugin }, new[] { "/var/lib/kmodps" }, true),
            LastHealthyKernel = "k1",
            LastDecision = new GuardDecisionRecord("k2", false, new[] { "nvidia (Missing)" }, GuardAction.RolledBack, "k2", "k1", "k1", "NotRequested", true, "s", Now),
        };
        var json = GuardStateFile.Serialize(state);
        Assert.Contains("\"action\": \"RolledBack\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kmodpsVersion\": \"0.1.0\"", json, StringComparison.Ordinal);
        var back = GuardStateFile.Parse(json);
        Assert.Equal(state.Installation.Files, back.Installation!.Files);
        Assert.Equal(GuardAction.RolledBack, back.LastDecision!.Action);
        Assert.Equal("nvidia (Missing)", Assert.Single(back.LastDecision.MissingModules));
    }
}
