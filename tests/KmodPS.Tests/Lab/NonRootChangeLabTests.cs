using KmodPS.Tests.Guard;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Issue 15 item 5: a change attempted by a user other than root (nobody, through setpriv around the runner) on a
/// root-owned world is RootRequired and changes nothing; a -Path it may not write is OutputNotWritten. Never a raw exception.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class NonRootChangeLabTests : IDisposable
{
    private readonly LabWorlds _lab;
    private readonly LabWorldCopy _copies = new();

    public NonRootChangeLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _copies.Dispose();

    [LabTheory]
    [InlineData("Lock-Kernel 5.14.0-611.41.1.el9_7.x86_64")]
    [InlineData("Lock-Kernel -Exclude 5.14.0-611.45.1.el9_7")]
    [InlineData("Remove-Kernel 5.14.0-611.45.1.el9_7.x86_64")]
    [InlineData("Install-KernelUpdateGuard")]
    [InlineData("Set-DefaultKernel 5.14.0-611.41.1.el9_7.x86_64 -Force")]
    public void AChangeAsNobodyIsRootRequiredAndTheWorldIsUnchanged(string commandLine)
    {
        var command = commandLine.Split(' ');
        var root = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        var before = Tree(root);
        var (exit, stdout, stderr) = RunnerProcess.RunAsNobody(command.Concat(new[] { "-Root", root, "-Confirm:$false", "-WarningAction", "SilentlyContinue" }).ToArray());
        Assert.Equal(2, exit);
        Assert.Contains("RootRequired", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
        Assert.Equal(before, Tree(root));
    }

    [LabFact]
    public void MetricsToAPathNobodyMayNotWriteIsOutputNotWritten()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-before"));
        var target = Path.Combine(root, "kmodps.prom");
        var (exit, stdout, stderr) = RunnerProcess.RunAsNobody("Export-KernelModuleMetrics", "-Root", root, "-SkipUpdateCheck", "-Path", target, "-WarningAction", "SilentlyContinue");
        Assert.Equal(2, exit);
        Assert.Contains("OutputNotWritten", stdout + stderr);
        Assert.DoesNotContain("UnauthorizedAccessException", stdout + stderr);
        Assert.False(File.Exists(target));
    }

    private static string Tree(string root) => Shell.Stdout("find", root, "-printf", "%P %y %s %m %T@\\n");
}
