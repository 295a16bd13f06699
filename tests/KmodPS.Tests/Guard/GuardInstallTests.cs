using KmodPS.Core.Changes;
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

    private DirectorySystemRoot Root(string fixture, string? copy = null)
    {
        var target = Path.Combine(_temp.FullName, copy ?? fixture);
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
        Assert.False(plan.IsRefused);
        Assert.Null(Execute(root, plan));
    }

    private static void Uninstall(ISystemRoot root, HostFamily family) =>
        Assert.Null(Execute(root, GuardUninstallPlanner.Plan(root, family, GuardStateFile.Read(root, out _))));

    private static Failure? Execute(ISystemRoot root, ChangePlan plan) => new ChangeExecutor(root, new KmodPS.Core.Platform.ProcessCommandRunner()).Execute(plan).Failure;

    private static IEnumerable<string> Writes(ChangePlan plan) => plan.Steps.OfType<FileChange>().Select(f => f.TreePath);

    private static IEnumerable<string> CreateDirectories(ChangePlan plan) => plan.Steps.OfType<DirectoryChange>().Where(d => d.Create).Select(d => d.TreePath);

    [Fact]
    public void DebianInstallWritesBothRunPartsHooksAndUninstallRestoresTheTreeExactly()
    {
        var root = Root("debian-merged");
        var before = Listing(root);
        Install(root, HostFamily.Debian, Options);
        foreach (var path in new[] { GuardLayout.KernelPostinst, GuardLayout.HeaderPostinst })
        {
            Assert.Equal("0755", GuardHook.Octal(File.GetUnixFileMode(root.MapPath(path))));
        }
        var state = GuardStateFile.Read(root, out var error)!;
        Assert.Null(error);
        Assert.True(state.Installation!.CreatedStateFile);
        Assert.Equal(new[] { "/etc/kernel", "/etc/kernel/postinst.d", "/etc/kernel/header_postinst.d", "/var/lib/kmodps" }, state.Installation.CreatedDirectories);
        Uninstall(root, HostFamily.Debian);
        Assert.Equal(before, Listing(root));
    }

    [Theory]
    [InlineData("debian-merged", HostFamily.Debian)]
    [InlineData("alma-basic", HostFamily.RedHat)]
    public void AnInstallKilledAfterAnyStepLeavesOnlyRecordedHooksThatUninstallRemovesExactly(string fixture, HostFamily family)
    {
        var steps = GuardInstallPlanner.Plan(Root(fixture), family, Options, null, Now).Steps.Count;
        Assert.True(steps >= 2);
        for (var killedAfter = 0; killedAfter <= steps; killedAfter++)
        {
            var root = Root(fixture, $"{fixture}-{killedAfter}");
            var before = Listing(root);
            var plan = GuardInstallPlanner.Plan(root, family, Options, null, Now);
            // What the executor does up to a SIGKILL: the journal's record first, then the steps, never the confirmation.
            Assert.Null(plan.Journal!.Begin());
            var context = new ChangeContext(root, new ProcessCommandRunner(), _ => { }, CancellationToken.None);
            foreach (var step in plan.Steps.Take(killedAfter))
            {
                Assert.Null(step.Apply(context));
            }
            var installation = GuardStateFile.Read(root, out _)!.Installation!;
            Assert.True(installation.Pending);
            Assert.All(GuardLayout.For(family, root).Where(h => File.Exists(root.MapPath(h.Path))), h => Assert.Contains(h.Path, installation.Files));
            var warnings = new List<string>();
            GuardInspector.Inspect(root, family, GuardStateFile.Read(root, out _), warnings);
            Assert.Contains(warnings, w => w.Contains("was interrupted", StringComparison.Ordinal));

            Uninstall(root, family);
            // Where a root has no /var/lib the uninstall runs holding the root lock in /var/lib/kmodps, so /var and /var/lib
            // (empty) outlive it: the lock's directory, not the guard's. Everything else is as before.
            var after = Listing(root).Split('\n').ToList();
            if (!Directory.Exists(RepoPaths.Fixture("roots", fixture, "var", "lib")))
            {
                after.RemoveAll(l => l.StartsWith(root.MapPath("/var") + " ", StringComparison.Ordinal) || l.StartsWith(root.MapPath("/var/lib") + " ", StringComparison.Ordinal));
            }
            Assert.Equal(before, string.Join('\n', after));
            Install(root, family, Options);
            Assert.Null(GuardStateFile.Read(root, out _)!.Installation!.Pending);
        }
    }

    [Fact]
    public void UninstallRemovesTheTemporaryFileAKilledHookWriteLeft()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        var leftover = root.MapPath($"/etc/kernel/install.d/.95-kmodps.install.kmodps-999999.1-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(leftover, "half a hook");
        var foreign = root.MapPath("/etc/kernel/install.d/.95-kmodps.install.mine.tmp");
        File.WriteAllText(foreign, "not KmodPS's");
        Uninstall(root, HostFamily.RedHat);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void SecondInstallWithTheSameOptionsPlansNothingAndNewOptionsRewriteTheHooks()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        var again = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, GuardStateFile.Read(root, out _), Now.AddHours(1));
        Assert.True(again.IsNoOp);
        var changed = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options with { Repair = true }, GuardStateFile.Read(root, out _), Now.AddHours(1));
        Assert.Equal(new[] { GuardLayout.KernelInstallPlugin }, Writes(changed));
        Assert.Empty(CreateDirectories(changed));
        Assert.Null(Execute(root, changed));
        var installation = GuardStateFile.Read(root, out _)!.Installation!;
        Assert.True(installation.CreatedStateFile);
        Assert.True(installation.Repair);
        Assert.Null(installation.Pending);
        Assert.Contains("/etc/kernel/install.d", installation.CreatedDirectories);
    }

    [Fact]
    public void ForeignFileAtAHookPathIsNotOverwritten()
    {
        var root = Root("alma-basic");
        Directory.CreateDirectory(root.MapPath("/etc/kernel/install.d"));
        File.WriteAllText(root.MapPath(GuardLayout.KernelInstallPlugin), "#!/bin/sh\necho mine\n");
        var plan = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, null, Now);
        Assert.Equal("HookPathOccupied", plan.Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void DnfActionIsAddedWhereThePluginsActionDirectoryExists()
    {
        var root = Root("alma-basic");
        Directory.CreateDirectory(root.MapPath(GuardLayout.DnfActionDirectory));
        var plan = GuardInstallPlanner.Plan(root, HostFamily.RedHat, Options, null, Now);
        Assert.Equal(new[] { GuardLayout.KernelInstallPlugin, GuardLayout.DnfAction }, Writes(plan));
        Assert.DoesNotContain(GuardLayout.DnfActionDirectory, CreateDirectories(plan));
    }

    [Fact]
    public void UnsupportedFamilyIsRefused()
    {
        Assert.Equal("GuardNotSupported", GuardInstallPlanner.Plan(Root("alma-basic"), HostFamily.Suse, Options, null, Now).Refusals.FirstOrDefault()?.ErrorId);
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
        var failure = Execute(root, plan);
        Assert.Equal((ErrorIds.GuardNotUninstalled, FailureCategory.InvalidResult), (failure?.ErrorId, failure?.Category));
        Assert.True(Directory.Exists(Path.Combine(hook, "keep")));
        // Undone: the installation record stays, so a later uninstall still knows what to remove.
        Assert.NotNull(GuardStateFile.Read(root, out _)?.Installation);
    }

    [Fact]
    public void AHookReplacedByAnotherFileIsLeftAlone()
    {
        var root = Root("alma-basic");
        Install(root, HostFamily.RedHat, Options);
        File.WriteAllText(root.MapPath(GuardLayout.KernelInstallPlugin), "#!/bin/sh\necho mine\n");
        var plan = GuardUninstallPlanner.Plan(root, HostFamily.RedHat, GuardStateFile.Read(root, out _));
        Assert.DoesNotContain(GuardLayout.KernelInstallPlugin, Writes(plan));
        Assert.Single(plan.Warnings);
        Assert.Null(Execute(root, plan));
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
