using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Platform;
using KmodPS.Core.TestRoots;

namespace KmodPS.Tests.Guard;

/// <summary>
/// What a failed default switch leaves behind, on a New-KmodTestRoot tree. The boot tool is a stand-in (it only fails,
/// and may break the file it was given the way a crashed tool could); every file-system failure is real.
/// </summary>
public sealed class DefaultKernelSwitchTests : IDisposable
{
    private const string Previous = "5.14.0-611.45.1.el9_7.x86_64";
    private const string Target = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Grubenv = "/boot/grub2/grubenv";
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-switch-");

    public void Dispose() => _temp.Delete(true);

    private DirectorySystemRoot Root()
    {
        var path = Path.Combine(_temp.FullName, "root");
        TestRootBuilder.Build(path, TestRootScenario.Healthy);
        return new DirectorySystemRoot(path);
    }

    [Fact]
    public void AFailedSwitchWhoseRestoreCannotWriteIsRestoreFailedNamingTheOriginalFailureAndThePath()
    {
        var root = Root();
        var grubenv = root.MapPath(Grubenv);
        // The tool fails after leaving a directory where grubenv was: the restore cannot rename the saved copy over it.
        var runner = new FailingBootTool(_ =>
        {
            File.Delete(grubenv);
            Directory.CreateDirectory(Path.Combine(grubenv, "left-by-the-tool"));
        });
        var plan = new DefaultKernelSwitch(root, runner).Plan(Target);
        Assert.False(plan.IsRefused);
        Assert.Contains(Grubenv, plan.Touches);

        var failure = new ChangeExecutor(root, runner).Execute(plan).Failure;

        Assert.Equal((ErrorIds.RestoreFailed, FailureCategory.WriteError), (failure?.ErrorId, failure?.Category));
        Assert.Equal(Target, failure!.Target);
        Assert.StartsWith(ErrorIds.DefaultNotApplied + ": Setting " + Target, failure.Message, StringComparison.Ordinal);
        Assert.Contains("exit 1", failure.Message, StringComparison.Ordinal);
        Assert.Contains(grubenv + " (should hold its previous content", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorIds.DefaultNotApplied, failure.Cause?.ErrorId);
        Assert.DoesNotContain("was restored", failure.Message, StringComparison.Ordinal);
        // Nothing was deleted to force the restore: the directory is still there for the admin to look at.
        Assert.True(Directory.Exists(Path.Combine(grubenv, "left-by-the-tool")));
    }

    [Fact]
    public void AGrubenvThatIsADirectoryIsDefaultNotAppliedNotARawExceptionAndIsLeftAlone()
    {
        var root = Root();
        var grubenv = root.MapPath(Grubenv);
        File.Delete(grubenv);
        Directory.CreateDirectory(Path.Combine(grubenv, "keep"));
        var runner = new FailingBootTool(_ => { });
        var plan = new DefaultKernelSwitch(root, runner).Plan(Target);
        Assert.False(plan.IsRefused);

        var failure = new ChangeExecutor(root, runner).Execute(plan).Failure;

        Assert.Equal(ErrorIds.DefaultNotApplied, failure?.ErrorId);
        Assert.Null(failure!.Cause);
        Assert.Contains("exit 1", failure.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(grubenv, "keep")));
    }

    [Fact]
    public void AFailedSwitchWhoseRestoreWorksIsDefaultNotAppliedAndTheFileIsBack()
    {
        var root = Root();
        var grubenv = root.MapPath(Grubenv);
        var before = File.ReadAllBytes(grubenv);
        var runner = new FailingBootTool(_ => File.WriteAllText(grubenv, "# GRUB Environment Block\nhalf-written"));
        var failure = new ChangeExecutor(root, runner).Execute(new DefaultKernelSwitch(root, runner).Plan(Target)).Failure;
        Assert.Equal(ErrorIds.DefaultNotApplied, failure?.ErrorId);
        Assert.Null(failure!.Cause);
        Assert.Equal(before, File.ReadAllBytes(grubenv));
        Assert.Equal(Previous, new KmodPS.Core.Boot.NextBootResolver(root).Resolve(new DiagnosticLog()).KernelVersion);
    }

    /// <summary>A boot tool found on every path that does <c>sideEffect</c>, then exits 1 like grub2-editenv refusing a file.</summary>
    private sealed class FailingBootTool : ICommandRunner
    {
        private readonly Action<CommandRequest> _sideEffect;

        public FailingBootTool(Action<CommandRequest> sideEffect) => _sideEffect = sideEffect;

        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
        {
            _sideEffect(request);
            return new CommandResult(request, 1, string.Empty, request.FileName + ": error: cannot rename the file\n", TimeSpan.Zero, false);
        }

        public string? FindProgram(string name) => "/usr/sbin/" + name;
    }
}
