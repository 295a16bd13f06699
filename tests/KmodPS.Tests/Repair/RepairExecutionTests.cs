using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Core.Repair;
using static KmodPS.Tests.Repair.RepairFixtures;

namespace KmodPS.Tests.Repair;

public sealed class RepairExecutionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kmodps-repair-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static RepairAction Rebuild(string kernel = K) => new($"dkms v4l2loopback/0.12.7 {kernel}", RepairActionKind.DkmsRebuild, ModuleProvider.Dkms, "v4l2loopback/0.12.7", "0.12.7", kernel,
        new[]
        {
            DkmsCommands.Command(new[] { DkmsPath }, "build", true, "v4l2loopback", "0.12.7", kernel),
            DkmsCommands.Command(new[] { DkmsPath }, "install", true, "v4l2loopback", "0.12.7", kernel),
        });

    [Fact]
    public void StopsAtTheFirstFailureAndKeepsTheFailedBuildsMakeLog()
    {
        WriteFile("var/lib/dkms/v4l2loopback/0.12.7/build/make.log", "DKMS make.log for v4l2loopback-0.12.7\nerror: something broke\n");
        var runner = new ScriptedRunner(10, "Error! Bad return status for module build on kernel: 6.1.0-56-amd64 (x86_64)\nConsult /var/lib/dkms/v4l2loopback/0.12.7/build/make.log for more information.");
        var execution = Run(Rebuild(), runner);
        Assert.False(execution.Succeeded);
        Assert.Equal((10, 0), (execution.ExitCode, execution.FailedIndex!.Value));
        Assert.Single(runner.Ran);
        Assert.Equal("/var/lib/dkms/v4l2loopback/0.12.7/build/make.log", execution.MakeLogPath);
        Assert.EndsWith("error: something broke", execution.MakeLogTail);
    }

    [Fact]
    public void AMissingProgramIsExitCode127()
    {
        var execution = Run(Rebuild(), new ScriptedRunner(notFound: true));
        Assert.Equal((127, 0), (execution.ExitCode, execution.FailedIndex!.Value));
        Assert.Single(execution.Ran);
    }

    [Fact]
    public void MakeLogIsFoundWithoutTheConsultLineUnderTheBuildDirectory()
    {
        WriteFile("var/lib/dkms/lab-broken/1.0/build/make.log", "DKMS make.log for lab-broken-1.0\n");
        Assert.Equal("/var/lib/dkms/lab-broken/1.0/build/make.log",
            MakeLogLocator.AfterFailure(new DirectorySystemRoot(_root), "lab-broken", "1.0", K, "false...(bad exit status: 1)", DateTime.UtcNow.AddMinutes(-1)));
    }

    [Fact]
    public void SuccessThatReadsBackInstalledIsRepaired()
    {
        var decision = Decision(Rebuild());
        var after = new[] { Row("v4l2loopback", K, ModuleState.Installed, version: "0.12.7", package: "v4l2loopback/0.12.7") };
        var dkms = new[] { Entry("v4l2loopback", "0.12.7", K, DkmsState.Installed) with { MakeLogPath = $"/var/lib/dkms/v4l2loopback/0.12.7/{K}/x86_64/log/make.log" } };
        var ok = new RepairExecution(decision.Action!.CommandLines, true, 0, false, null, string.Empty, null, null);
        var (result, failure) = RepairResultFactory.Create(decision, ok, after, dkms, "/");
        Assert.Null(failure);
        Assert.Equal((RepairOutcome.Repaired, 0), (result.Outcome, result.ExitCode!.Value));
        Assert.Equal($"/var/lib/dkms/v4l2loopback/0.12.7/{K}/x86_64/log/make.log", result.MakeLogPath);
        Assert.Equal(ModuleState.Installed, result.Status!.State);
        Assert.Equal(2, result.Commands.Length);
    }

    [Fact]
    public void SuccessThatDoesNotReadBackInstalledIsNotVerified()
    {
        var decision = Decision(Rebuild());
        var after = new[] { Row("v4l2loopback", K, ModuleState.Stale, version: "0.12.7", package: "v4l2loopback/0.12.7") };
        var ok = new RepairExecution(decision.Action!.CommandLines, true, 0, false, null, string.Empty, null, null);
        var (result, failure) = RepairResultFactory.Create(decision, ok, after, Array.Empty<DkmsEntry>(), "/");
        Assert.Equal(RepairOutcome.Failed, result.Outcome);
        Assert.Equal("RepairNotVerified", failure!.ErrorId);
        Assert.Same(result, failure.Target);
    }

    [Theory]
    [InlineData(10, "DkmsBuildFailed", "build failed")]
    [InlineData(77, "DkmsBuildExcluded", "excluded by BUILD_EXCLUSIVE_KERNEL/BUILD_EXCLUSIVE_ARCH")]
    [InlineData(21, "HeadersNotInstalled", "headers missing")]
    [InlineData(11, "DkmsCommandFailed", "autoinstall failed")]
    [InlineData(3, "DkmsCommandFailed", "module/version not in the DKMS tree, or already built")]
    public void DkmsExitCodesAreMappedToMeaningAndErrorId(int exit, string errorId, string meaning)
    {
        var decision = Decision(Rebuild());
        var failed = new RepairExecution(new[] { decision.Action!.CommandLines[0] }, false, exit, false, 0, "Error! it broke", "/var/lib/dkms/v4l2loopback/0.12.7/build/make.log", "tail");
        var (result, failure) = RepairResultFactory.Create(decision, failed, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal((RepairOutcome.Failed, exit, meaning), (result.Outcome, result.ExitCode!.Value, result.Meaning));
        Assert.Equal(errorId, failure!.ErrorId);
        Assert.StartsWith($"dkms build --force failed with exit code {exit}", result.Message);
        Assert.Contains("build log: /var/lib/dkms/v4l2loopback/0.12.7/build/make.log", result.Message);
        Assert.Contains("stays in /lib/modules/" + K, result.Message);
        Assert.Equal("tail", result.MakeLogTail);
    }

    [Fact]
    public void ATimedOutBuildIsRepairTimedOutWithoutAnExitCode()
    {
        var decision = Decision(Rebuild());
        var timedOut = new RepairExecution(new[] { decision.Action!.CommandLines[0] }, false, -1, true, 0, string.Empty, null, null);
        var (result, failure) = RepairResultFactory.Create(decision, timedOut, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal((ErrorIds.RepairTimedOut, FailureCategory.OperationTimeout), (failure!.ErrorId, failure.Category));
        Assert.Equal((RepairOutcome.Failed, "timed out"), (result.Outcome, result.Meaning));
        Assert.StartsWith("dkms build --force timed out", result.Message);
    }

    [Fact]
    public void AFailedPackageInstallIsPackageInstallFailed()
    {
        var install = new RepairAction("kmod-nvidia-open for " + K, RepairActionKind.KmodInstall, ModuleProvider.KmodPackage, "kmod-nvidia-open", "595.58.03", K,
            new[] { new CommandRequest("dnf", new[] { "install", "-y", "kmod-nvidia-open-595.58.03-1.el9_7.x86_64" }) });
        var decision = Decision(install);
        var failed = new RepairExecution(new[] { decision.Action!.CommandLines[0] }, false, 1, false, 0, "Error: Unable to find a match", null, null);
        var (result, failure) = RepairResultFactory.Create(decision, failed, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal((ErrorIds.PackageInstallFailed, FailureCategory.InvalidResult), (failure!.ErrorId, failure.Category));
        Assert.Equal((RepairOutcome.Failed, 1, "dnf failed (exit 1)"), (result.Outcome, result.ExitCode!.Value, result.Meaning));
    }

    [Fact]
    public void ANotConfirmedActionIsSkippedWithItsCommands()
    {
        var decision = Decision(Rebuild());
        var (result, failure) = RepairResultFactory.Create(decision, null, Array.Empty<ModuleStatus>(), Array.Empty<DkmsEntry>(), "/");
        Assert.Equal(RepairOutcome.Skipped, result.Outcome);
        Assert.Null(failure);
        Assert.Equal(2, result.Commands.Length);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public void ShortNamesDropTheChrootPrefix()
    {
        var chrooted = DkmsCommands.Command(DkmsCommands.Invocation("/w", false, DkmsPath), "install", true, "m", "1", K);
        Assert.Equal("dkms install --force", RepairResultFactory.ShortName(chrooted));
        Assert.Equal("dnf install", RepairResultFactory.ShortName(PackageCommands.DnfInstall("dnf", "/w", false, "9", "kmod-x-1-1.x86_64")));
    }

    [Fact]
    public void EachCommandIsAStepOfOneChangeThatIsNotUndone()
    {
        var change = new RepairChange(Rebuild());
        Assert.Equal(("Repair", "v4l2loopback/0.12.7 on " + K, false), (change.Plan.Action, change.Plan.Target, change.Plan.Reversible));
        Assert.Equal(change.Action.CommandLines.Select(c => "run " + c), change.Plan.Describe());
        var runner = new ScriptedRunner();
        var execution = change.Execution(new ChangeExecutor(new DirectorySystemRoot(_root), runner).Execute(change.Plan));
        Assert.True(execution.Succeeded);
        Assert.Equal(change.Action.CommandLines, execution.Ran);
        Assert.Equal(execution.Ran, runner.Ran);
    }

    // What KernelModuleRepair does with each confirmed action: run its change through the one executor.
    private RepairExecution Run(RepairAction action, ICommandRunner runner)
    {
        var change = new RepairChange(action);
        return change.Execution(new ChangeExecutor(new DirectorySystemRoot(_root), runner).Execute(change.Plan));
    }

    private static RepairDecision Decision(RepairAction action) =>
        new(new RepairPair("v4l2loopback", action.KernelVersion), ModuleProvider.Dkms, action.ModuleVersion, action.Package, action, null, "test");

    private void WriteFile(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private sealed class ScriptedRunner : ICommandRunner
    {
        private readonly int _exit;
        private readonly string _stderr;
        private readonly bool _notFound;

        public ScriptedRunner(int exit = 0, string stderr = "", bool notFound = false)
        {
            (_exit, _stderr, _notFound) = (exit, stderr, notFound);
        }

        public List<string> Ran { get; } = new();

        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
        {
            if (_notFound)
            {
                throw new CommandNotFoundException(request.FileName);
            }
            Ran.Add(request.DisplayText);
            return new CommandResult(request, _exit, string.Empty, _stderr, TimeSpan.Zero, false);
        }

        public string? FindProgram(string name) => null;
    }
}
