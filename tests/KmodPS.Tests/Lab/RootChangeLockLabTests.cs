using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// The root change lock and Lock-Kernel's crash safety with real processes: KmodPS.Runner processes changing one copy
/// of the alma world at once, and Lock-Kernel runs SIGKILLed at random moments, with the real dnf versionlock.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class RootChangeLockLabTests : IDisposable
{
    private const string Good = "5.14.0-611.41.1.el9_7";
    private const string Newest = "5.14.0-611.49.1.el9_7";
    private readonly string _world;

    public RootChangeLockLabTests(LabWorlds lab)
    {
        _world = Path.Combine(Path.GetTempPath(), $"kmodps-rootlock-world-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", lab.Dir("alma-nvidia-after"), _world);
    }

    private string ListPath => Path.Combine(_world, "etc/dnf/plugins/versionlock.list");

    private string StatePath => Path.Combine(_world, "var/lib/kmodps/locks.json");

    public void Dispose() => Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", _world);

    [LabFact]
    public void ConcurrentChangesOfOneRootSerializeAndEndConsistent()
    {
        // Long enough that the changes queue behind each other rather than give up.
        var environment = new Dictionary<string, string> { ["KMODPS_LOCK_WAIT_SECONDS"] = "240" };
        var commands = new[]
        {
            $"Lock-Kernel {Good} -Root {_world} -Confirm:$false",
            $"Lock-Kernel {Newest} -Root {_world} -Confirm:$false",
            $"Set-DefaultKernel {Good}.x86_64 -Root {_world} -Confirm:$false",
            $"Unlock-Kernel {Good} -Root {_world} -Confirm:$false",
            $"Lock-Kernel {Good} -Root {_world} -Confirm:$false",
            $"Set-DefaultKernel {Good}.x86_64 -Once -Root {_world} -Confirm:$false",
            $"Unlock-Kernel -Root {_world} -Confirm:$false",
            $"Lock-Kernel {Good} -Root {_world} -Confirm:$false",
        };
        var clock = Stopwatch.StartNew();
        var processes = commands.Select(c => (Command: c, Process: RunnerProcess.Begin(environment, c))).ToList();
        var results = processes.Select(p =>
        {
            var stdout = p.Process.StandardOutput.ReadToEndAsync();
            var stderr = p.Process.StandardError.ReadToEndAsync();
            Assert.True(p.Process.WaitForExit(300_000), $"{p.Command} did not finish");
            return (p.Command, p.Process.ExitCode, Output: stdout.Result + stderr.Result);
        }).ToList();
        foreach (var (command, exit, output) in results)
        {
            // A change that waited may find its plan stale (another change moved the locks): that, and only that, may fail.
            var ids = ErrorId().Matches(output).Select(m => m.Groups[1].Value).Where(id => id != "RootChangeInProgress").ToList();
            Assert.True(ids.Count == 0, $"{command}: {output}");
            Assert.True(exit == 0 || output.Contains("[RootChangeInProgress,", StringComparison.Ordinal), $"{command} exit {exit}: {output}");
        }
        Assert.Contains(results, r => r.Command.StartsWith("Lock-Kernel", StringComparison.Ordinal) && r.ExitCode == 0);
        Console.WriteLine($"{commands.Length} concurrent changes in {clock.Elapsed}: " + string.Join("; ", results.Select(r => $"{r.Command.Split(" -Root")[0]} exit {r.ExitCode}")));

        var pins = Pins();
        var (records, hasIntent) = State();
        Assert.False(hasIntent);
        Assert.Equal(records.Count, records.Distinct().Count());
        Assert.Equal(pins.Order(), records.Order());

        var unlock = RunnerProcess.Run("Unlock-Kernel", "-Root", _world, "-Confirm:$false");
        Assert.True(unlock.ExitCode == 0, unlock.Stdout + unlock.Stderr);
        Assert.Empty(Pins());
        Assert.Empty(State().Records);
        Assert.False(File.Exists(Path.Combine(_world, "var/lib/kmodps/kmodps.lock")));
    }

    [LabFact]
    public void LockKernelKilledAtRandomMomentsLeavesNothingUnlockKernelDoesNotRemove()
    {
        var listBefore = File.Exists(ListPath) ? File.ReadAllBytes(ListPath) : null;
        var environment = new Dictionary<string, string>();
        var clock = Stopwatch.StartNew();
        using (var full = RunnerProcess.Begin(environment, $"Lock-Kernel {Good} -Root {_world} -Confirm:$false"))
        {
            Assert.True(full.WaitForExit(120_000));
        }
        var fullRun = clock.Elapsed;
        Assert.NotEmpty(Pins());
        Unlock();

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var (killed, killedWithPins) = (0, 0);
        const int Runs = 25;
        for (var run = 0; run < Runs; run++)
        {
            // Between the runner's start and the end of a full run: module import, planning, dnf and the read-back.
            var delay = TimeSpan.FromMilliseconds(random.Next(300, (int)(fullRun.TotalMilliseconds * 0.75)));
            using var process = RunnerProcess.Begin(environment, $"Lock-Kernel {Good} -Root {_world} -Confirm:$false");
            var pid = process.Id;
            if (!process.WaitForExit(delay))
            {
                // SIGKILL to the runner and the dnf it started: nothing of KmodPS gets to clean up.
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                killed++;
            }
            if (Pins().Count > 0)
            {
                killedWithPins++;
            }
            Unlock();
            Assert.True(Pins().Count == 0, $"seed {seed}, run {run}, killed after {delay}: pins left after Unlock-Kernel: {string.Join(", ", Pins())}");
            Assert.Empty(State().Records);
            Assert.False(State().HasIntent);
            Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), $"kmodps-{pid}.*"));
            // A killed holder cannot unlink its lock file, but the kernel released its flock: the file locks nothing.
            Assert.True(IsFree(Path.Combine(_world, "var/lib/kmodps/kmodps.lock")), $"run {run}: the root is still locked");
            if (listBefore is null)
            {
                File.Delete(ListPath);
            }
            else
            {
                File.WriteAllBytes(ListPath, listBefore);
            }
        }
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(8), $"{Runs} runs took {clock.Elapsed}");
        Assert.True(killed >= 20, $"seed {seed}: only {killed} of {Runs} runs were killed before they finished");
        Console.WriteLine($"seed {seed}: {killed} of {Runs} runs killed, {killedWithPins} left pins that Unlock-Kernel removed; full run {fullRun}, total {clock.Elapsed}");
    }

    private static bool IsFree(string lockFile)
    {
        try
        {
            // .NET asks for flock(LOCK_EX | LOCK_NB) when opening with FileShare.None.
            new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
            return true;
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Unlock()
    {
        var result = RunnerProcess.Run("Unlock-Kernel", "-Root", _world, "-Confirm:$false");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    // The lock lines of the root's versionlock.list (comments and blank lines are not locks).
    private List<string> Pins() => File.Exists(ListPath)
        ? File.ReadAllLines(ListPath).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
        : new List<string>();

    private (List<string> Records, bool HasIntent) State()
    {
        if (!File.Exists(StatePath))
        {
            return (new List<string>(), false);
        }
        var document = JsonNode.Parse(File.ReadAllText(StatePath))!;
        var records = document["locks"]?.AsArray().Select(r => (string)r!["key"]!).ToList() ?? new List<string>();
        return (records, document["intent"] is not null);
    }

    [GeneratedRegex(@"\[(\w+),KmodPS\.Commands\.")]
    private static partial Regex ErrorId();
}
