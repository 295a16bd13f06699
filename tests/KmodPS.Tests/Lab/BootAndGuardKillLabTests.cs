using System.Diagnostics;
using System.Text.Json.Nodes;
using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Platform;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Crash safety of Install-KernelUpdateGuard and Set-DefaultKernel with real processes: KmodPS.Runner runs on a copy of
/// the alma world are SIGKILLed at random moments (the real grub2-editenv included for Set-DefaultKernel), and the root
/// must stay consistent every time: no hook without the guard's record of it, a grubenv that boots the old or the new kernel.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class BootAndGuardKillLabTests : IDisposable
{
    private const int Runs = 25;
    private const string Good = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Unhealthy = "5.14.0-611.45.1.el9_7.x86_64";
    private static readonly Dictionary<string, string> NoEnvironment = new();
    private readonly string _world;

    public BootAndGuardKillLabTests(LabWorlds lab)
    {
        _world = Path.Combine(Path.GetTempPath(), $"kmodps-kill-world-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", lab.Dir("alma-nvidia-after"), _world);
    }

    public void Dispose() => Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", _world);

    private ISystemRoot Root => new DirectorySystemRoot(_world);

    private string LockFile => Path.Combine(_world, "var/lib/kmodps/kmodps.lock");

    private string StateFile => Path.Combine(_world, GuardLayout.StatePath.TrimStart('/'));

    [LabFact]
    public void InstallKernelUpdateGuardKilledAtRandomMomentsLeavesNoHookWithoutItsRecord()
    {
        // The dnf post-transaction action is the second hook: both are written, so a kill can fall between them.
        Directory.CreateDirectory(Path.Combine(_world, "etc/dnf/plugins/post-transaction-actions.d"));
        var hooks = GuardLayout.For(KmodPS.Core.Models.HostFamily.RedHat, Root).Select(h => h.Path).ToList();
        Assert.Equal(2, hooks.Count);
        var install = new[] { "Install-KernelUpdateGuard", "-Root", _world, "-RunnerPath", "/usr/local/bin/kmodps", "-Confirm:$false" };
        var clock = Stopwatch.StartNew();
        Succeeds(install);
        Succeeds("Uninstall-KernelUpdateGuard", "-Root", _world, "-Confirm:$false");
        var before = Tree();

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var (killed, killedWithHooks, killedPending) = (0, 0, 0);
        for (var run = 0; run < Runs; run++)
        {
            // Half the kills aim at the start of the change (the lock taken), half at its middle (the pending record written).
            var delay = Delay(random, TimeSpan.FromMilliseconds(run % 2 == 0 ? 40 : 15));
            var pid = KillAfter(delay, install, ref killed, run % 2 == 0 ? LockFile : StateFile);
            var pending = GuardStateFile.Read(Root, out _)?.Installation?.Pending == true;
            killedPending += pending ? 1 : 0;
            var present = hooks.Where(h => File.Exists(Path.Combine(_world, h.TrimStart('/')))).ToList();
            if (present.Count > 0)
            {
                killedWithHooks++;
                var recorded = RecordedHooks();
                Assert.True(present.All(recorded.Contains), $"seed {seed}, run {run}, killed after {delay}: hooks {string.Join(", ", present)} but the record lists {string.Join(", ", recorded)}");
            }
            Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), $"kmodps-{pid}.*"));
            if (run % 2 == 1)
            {
                // A second install after the kill succeeds and confirms its record.
                Succeeds(install);
                Assert.All(hooks, h => Assert.True(File.Exists(Path.Combine(_world, h.TrimStart('/')))));
                Assert.Null(GuardStateFile.Read(Root, out _)!.Installation!.Pending);
            }
            Succeeds("Uninstall-KernelUpdateGuard", "-Root", _world, "-Confirm:$false");
            Assert.True(hooks.All(h => !File.Exists(Path.Combine(_world, h.TrimStart('/')))), $"seed {seed}, run {run}: a hook survived Uninstall-KernelUpdateGuard");
            Assert.True(before == Tree(), $"seed {seed}, run {run}, killed after {delay}: the root differs after Uninstall-KernelUpdateGuard:\n{Difference(before, Tree())}");
            Assert.True(IsFree(LockFile), $"run {run}: the root is still locked");
        }
        Assert.True(killed >= 20, $"seed {seed}: only {killed} of {Runs} runs were killed before they finished");
        Console.WriteLine($"seed {seed}: {killed} of {Runs} Install-KernelUpdateGuard runs killed, {killedPending} left a pending record, {killedWithHooks} left hooks, all recorded; total {clock.Elapsed}");
    }

    [LabFact]
    public void SetDefaultKernelKilledAtRandomMomentsAlwaysLeavesAValidGrubenvBootingTheOldOrTheNewKernel()
    {
        var grubenv = Path.Combine(_world, "boot/grub2/grubenv");
        var clock = Stopwatch.StartNew();
        Succeeds(SetDefault(Good));
        Assert.Equal(Good, NextBoot());
        Succeeds(SetDefault(Unhealthy));
        Assert.Equal(Unhealthy, NextBoot());

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var (killed, changed) = (0, 0);
        for (var run = 0; run < Runs; run++)
        {
            var old = NextBoot();
            // Back and forth: the unhealthy kernel needs -Force, the good one does not.
            var target = old == Good ? Unhealthy : Good;
            var delay = Delay(random, TimeSpan.FromMilliseconds(60));
            var pid = KillAfter(delay, SetDefault(target), ref killed, LockFile);
            Assert.Equal(1024, new FileInfo(grubenv).Length);
            var listed = Shell.Run("grub-editenv", TimeSpan.FromMinutes(1), grubenv, "list");
            Assert.True(listed.ExitCode == 0, $"seed {seed}, run {run}: grub2-editenv cannot read the grubenv: {listed.Output}");
            var next = NextBoot();
            Assert.True(next == old || next == target, $"seed {seed}, run {run}, killed after {delay}: {next ?? "no kernel"} boots next, neither {old} nor {target}");
            changed += next == target ? 1 : 0;
            Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), $"kmodps-{pid}.*"));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(_world, "boot/grub2"), ".grubenv.kmodps-*"));
            Assert.True(IsFree(LockFile), $"run {run}: the root is still locked");
        }
        // The next change after the kills still works, from whichever kernel they left.
        var last = NextBoot() == Good ? Unhealthy : Good;
        Succeeds(SetDefault(last));
        Assert.Equal(last, NextBoot());
        Assert.True(killed >= 20, $"seed {seed}: only {killed} of {Runs} runs were killed before they finished");
        Console.WriteLine($"seed {seed}: {killed} of {Runs} Set-DefaultKernel runs killed, {changed} had switched; total {clock.Elapsed}");
    }

    private string[] SetDefault(string kernel) =>
        new[] { "Set-DefaultKernel", kernel, "-Root", _world, "-Confirm:$false" }.Concat(kernel == Unhealthy ? new[] { "-Force" } : Array.Empty<string>()).ToArray();

    private static TimeSpan Delay(Random random, TimeSpan window) => TimeSpan.FromMilliseconds(random.Next(0, (int)window.TotalMilliseconds));

    private string? NextBoot() => new NextBootResolver(Root).Resolve(new DiagnosticLog()).KernelVersion;

    // Most of a run is the runner starting and reading the root; the change itself takes milliseconds, under the root's
    // change lock. So the kill is aimed there: a random delay after the trigger file appears (the lock file: the change
    // has begun; the guard's state file: its record is written), then SIGKILL to the runner and every tool it started.
    // Nothing of KmodPS gets to clean up.
    private int KillAfter(TimeSpan delay, string[] arguments, ref int killed, string trigger)
    {
        var lockFile = LockFile;
        // A killed holder cannot unlink its lock file; nothing holds it between runs.
        if (File.Exists(lockFile))
        {
            File.Delete(lockFile);
        }
        using var process = RunnerProcess.Begin(NoEnvironment, arguments);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(trigger) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(1);
        }
        if (!process.WaitForExit(delay))
        {
            process.Kill(entireProcessTree: true);
            killed++;
        }
        process.WaitForExit();
        return process.Id;
    }

    private static bool IsFree(string lockFile)
    {
        try
        {
            // .NET asks for flock(LOCK_EX | LOCK_NB) when opening with FileShare.None.
            new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Succeeds(params string[] arguments)
    {
        var result = RunnerProcess.Run(arguments);
        Assert.True(result.ExitCode == 0 && !(result.Stdout + result.Stderr).Contains(",KmodPS.Commands.", StringComparison.Ordinal),
            $"{string.Join(' ', arguments)} exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
    }

    private List<string> RecordedHooks()
    {
        var state = Path.Combine(_world, GuardLayout.StatePath.TrimStart('/'));
        return File.Exists(state)
            ? JsonNode.Parse(File.ReadAllText(state))?["installation"]?["files"]?.AsArray().Select(f => (string)f!).ToList() ?? new List<string>()
            : new List<string>();
    }

    // Every entry under /etc/kernel, /etc/dnf and /var/lib/kmodps (where the guard writes), with file content. A
    // killed change leaves the root lock's file (and its directory): the lock's, checked to be free, not the guard's.
    private string Tree() => string.Join('\n', new[] { "etc/kernel", "etc/dnf", "var/lib/kmodps" }
        .Select(d => Path.Combine(_world, d)).Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories).Prepend(d))
        .Where(p => p != LockFile && !(p == Path.GetDirectoryName(LockFile) && Directory.EnumerateFileSystemEntries(p).All(e => e == LockFile)))
        .Order(StringComparer.Ordinal)
        .Select(p => File.Exists(p) ? $"{p} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))}" : p));

    private static string Difference(string before, string after) =>
        string.Join('\n', after.Split('\n').Except(before.Split('\n')).Select(l => "+ " + l).Concat(before.Split('\n').Except(after.Split('\n')).Select(l => "- " + l)));
}
