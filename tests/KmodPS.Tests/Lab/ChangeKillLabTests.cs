using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Runner;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Crash safety of every changing cmdlet: each is run as its own runner process on a fresh copy of a lab world
/// (real dnf, rpm, grub-editenv) and SIGKILLed, with everything it started, at a random moment of its measured
/// duration, at least <see cref="KilledRuns"/> times: half spread over the whole run, half over the part that holds the
/// root's change lock (where the writes are). After each kill the root must hold the invariants of
/// <see cref="ChangeRoot"/> before anything runs again; then the same command must succeed and reach the state an
/// uninterrupted run reaches, leave no temporary directory of the killed process on this host, and Unlock-Kernel and
/// Uninstall-KernelUpdateGuard must take out exactly what KmodPS added. KMODPS_KILL_SEED repeats a run's delays;
/// KMODPS_KILL_PARALLEL (default 2) sets how many rounds run at once, each on its own copy.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ChangeKillLabTests : IDisposable
{
    private const int KilledRuns = 20;
    private const int MostRuns = 40;
    private static readonly string[] HostPaths =
        { "/etc/dnf/plugins/versionlock.list", "/etc/kernel", "/etc/apt/preferences.d", "/boot/grub/grubenv", "/boot/grub2/grubenv", "/var/lib/kmodps", "/run/lock/kmodps.lock", "/var/lib/dnf/plugins/local" };

    private readonly LabWorlds _lab;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentBag<PowerShellSession> _sessions = new();

    public ChangeKillLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
    }

    /// <summary>One changing cmdlet's kill test: its world, the start state, the command and what only it must leave.</summary>
    public sealed record Scenario(string Command)
    {
        public string World { get; init; } = "alma-nvidia-after";

        /// <summary>File edits of the world copy before anything runs.</summary>
        public Action<ChangeRoot>? Edit { get; init; }

        /// <summary>KmodPS commands that make the start state (run in-process, each must succeed).</summary>
        public string[] Prepare { get; init; } = Array.Empty<string>();

        /// <summary>Error ids the second run may report because the killed run had finished the work.</summary>
        public string[] RerunMayReport { get; init; } = Array.Empty<string>();

        /// <summary>Checks right after the kill, beside the common ones.</summary>
        public Func<ChangeRoot, List<string>>? AfterKill { get; init; }

        /// <summary>Checks once the second run succeeded, beside the common ones.</summary>
        public Func<ChangeRoot, List<string>>? Done { get; init; }
    }

    public static readonly IReadOnlyDictionary<string, Scenario> Scenarios = new Dictionary<string, Scenario>
    {
        ["Lock-Kernel"] = new($"Lock-Kernel {ChangeRoot.Good}"),
        ["Unlock-Kernel"] = new("Unlock-Kernel") { Prepare = new[] { $"Lock-Kernel {ChangeRoot.Good}", "Lock-Kernel -Exclude 5.14.0-611.55.1.el9_7" } },
        ["Set-DefaultKernel"] = new($"Set-DefaultKernel {ChangeRoot.Good}"),
        ["Install-KernelUpdateGuard"] = new("Install-KernelUpdateGuard -Repair -Promote -WarningAction SilentlyContinue") { Edit = WithDnfActions },
        ["Uninstall-KernelUpdateGuard"] = new("Uninstall-KernelUpdateGuard")
        {
            Edit = WithDnfActions,
            Prepare = new[] { "Install-KernelUpdateGuard -Repair -Promote -WarningAction SilentlyContinue" },
        },
        ["Invoke-KernelUpdateGuard"] = new($"Invoke-KernelUpdateGuard {ChangeRoot.Newest}.x86_64 -WarningAction SilentlyContinue")
        {
            Prepare = new[] { "Install-KernelUpdateGuard -WarningAction SilentlyContinue" },
        },
        ["Remove-Kernel"] = new($"Remove-Kernel {ChangeRoot.Middle} -WarningAction SilentlyContinue")
        {
            RerunMayReport = new[] { "KernelNotFound" },
            AfterKill = root => root.RpmDatabaseReads(),
            Done = root => root.RpmDatabaseReads().Concat(root.Rpm("kernel-core").Concat(root.Rpm("kernel-modules")).Concat(root.Rpm("kernel"))
                .Where(p => p.Contains(ChangeRoot.Middle, StringComparison.Ordinal)).Select(p => $"{p} is still installed after Remove-Kernel succeeded")).ToList(),
        },
        ["Repair-KernelModule"] = new("Repair-KernelModule -Name nvidia -WarningAction SilentlyContinue")
        {
            Edit = WithFixedRepository,
            AfterKill = root => root.RpmDatabaseReads(),
            Done = root => root.RpmDatabaseReads().Concat(root.Rpm("kmod-nvidia-open").Count == 3 ? Array.Empty<string>()
                : new[] { $"after the repair kmod-nvidia-open is installed as [{string.Join(", ", root.Rpm("kmod-nvidia-open"))}], not once per kernel" }).ToList(),
        },
    };

    public static TheoryData<string> Cmdlets => new(Scenarios.Keys);

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }

    [LabTheory]
    [MemberData(nameof(Cmdlets))]
    public void AKilledChangeLeavesTheRootConsistentAndTheSameCommandThenSucceeds(string cmdlet)
    {
        var scenario = Scenarios[cmdlet];
        var clock = Stopwatch.StartNew();
        var host = HostFingerprint();
        using var template = Template(scenario);

        // An uninterrupted run: its duration and the part of it that holds the root's change lock spread the kills,
        // its end state is what every second run must reach.
        TimeSpan duration;
        TimeSpan? changing;
        EndState finished;
        using (var measured = ChangeRoot.Copy(template.Path))
        using (var runner = ArmedRunner.Start(RunnerCommand(scenario, measured)))
        {
            runner.Go();
            var locked = WaitForTheChange(measured, runner);
            Assert.True(runner.WaitForExit(TimeSpan.FromMinutes(5)), $"{cmdlet} did not finish in 5 minutes");
            Assert.True(runner.ExitCode == 0, $"{cmdlet} failed uninterrupted ({runner.ExitCode}):\n{runner.Output}");
            duration = runner.Elapsed;
            changing = duration - locked;
            finished = EndState.Of(measured);
        }
        var before = template.NextBoot();

        var seed = int.TryParse(Environment.GetEnvironmentVariable("KMODPS_KILL_SEED"), out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        // Half the kills spread over the whole run (one in each tenth), half over the part that changes the root, which
        // may be a few milliseconds of a run that mostly reads: counted from the moment the root's lock file appears.
        var half = KilledRuns / 2;
        var plan = Enumerable.Range(0, half).Select(i => (Delay: duration * ((i + random.NextDouble()) / half), Aimed: false))
            .Concat(Enumerable.Range(0, KilledRuns - half).Select(i => changing is { } window
                ? (Delay: window * ((i + random.NextDouble()) / (KilledRuns - half)), Aimed: true)
                : (Delay: duration * random.NextDouble(), Aimed: false)))
            .ToList();
        var runs = new ConcurrentBag<KillRun>();
        while (true)
        {
            Parallel.ForEach(plan.Select((p, i) => (p.Delay, p.Aimed, Index: runs.Count + i)).ToList(), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
                run => runs.Add(Round(scenario, template, run.Index, run.Delay, run.Aimed, before, finished)));
            var killed = runs.Count(r => r.Killed);
            if (killed >= KilledRuns || runs.Count >= MostRuns)
            {
                break;
            }
            // Runs that ended before their kill ran faster than the measured one (the machine's load changed): the next
            // kills spread over the shortest run seen.
            var shortest = runs.Where(r => !r.Killed).Select(r => r.Ran).Append(duration).Min();
            plan = Enumerable.Range(0, Math.Min(KilledRuns - killed, MostRuns - runs.Count)).Select(_ => (Delay: shortest * (random.NextDouble() * 0.8), Aimed: false)).ToList();
        }

        var ordered = runs.OrderBy(r => r.Index).ToList();
        _output.WriteLine($"{cmdlet}: seed {seed}, uninterrupted {duration.TotalSeconds:0.00} s ({(changing is { } c ? $"{c.TotalMilliseconds:0} ms" : "never")} of it holding the root's lock), {ordered.Count(r => r.Killed)} of {ordered.Count} runs killed, {clock.Elapsed.TotalSeconds:0} s in all (KMODPS_KILL_PARALLEL={Parallelism})");
        foreach (var run in ordered)
        {
            _output.WriteLine($"  run {run.Index,2}: {(run.Killed ? "killed" : "ended ")} after {run.Delay.TotalMilliseconds,6:0} ms{(run.Aimed ? " of the change" : " of the run   ")}{(run.Problems.Count == 0 ? string.Empty : ": " + string.Join(" | ", run.Problems))}");
        }
        var failed = ordered.Where(r => r.Problems.Count > 0).ToList();
        Assert.True(failed.Count == 0, $"{cmdlet} (seed {seed}): {failed.Count} of {ordered.Count} runs ended inconsistent:\n"
            + string.Join('\n', failed.Select(r => $"run {r.Index}, killed after {r.Delay.TotalMilliseconds:0} ms of the {(r.Aimed ? "change" : "run")}: {string.Join(" | ", r.Problems)}")));
        Assert.True(ordered.Count(r => r.Killed) >= KilledRuns, $"{cmdlet} (seed {seed}): only {ordered.Count(r => r.Killed)} of {ordered.Count} runs were killed before they ended");
        Assert.Equal(host, HostFingerprint());
    }

    private KillRun Round(Scenario scenario, ChangeRoot template, int index, TimeSpan delay, bool aimed, string? before, EndState finished)
    {
        var problems = new List<string>();
        using var root = ChangeRoot.Copy(template.Path);
        int pid;
        bool killed;
        TimeSpan ran;
        using (var runner = ArmedRunner.Start(RunnerCommand(scenario, root)))
        {
            pid = runner.ProcessId;
            runner.Go();
            if (aimed)
            {
                WaitForTheChange(root, runner);
            }
            killed = !runner.WaitForExit(delay);
            ran = runner.Elapsed;
            if (killed)
            {
                runner.Kill();
            }
            else if (runner.ExitCode != 0)
            {
                problems.Add($"the run that was not killed failed ({runner.ExitCode}): {runner.Output.Trim()}");
            }
        }

        // Before anything of KmodPS runs again: what a crash leaves must already be consistent.
        problems.AddRange(root.FilesParse().Select(p => "after the kill: " + p));
        problems.AddRange(root.EveryPinRecorded().Concat(root.EveryHookRecorded()).Select(p => "after the kill: " + p));
        if (root.NextBoot() is { } next && next != before && next != finished.NextBoot)
        {
            problems.Add($"after the kill the next boot is {next}, neither the old {before} nor the new {finished.NextBoot}");
        }
        problems.AddRange(scenario.AfterKill?.Invoke(root).Select(p => "after the kill: " + p) ?? Enumerable.Empty<string>());

        var session = Session();
        try
        {
            var again = session.Run($"{scenario.Command} -Root $root -Confirm:$false", new Dictionary<string, object?> { ["root"] = root.Path });
            var unexpected = again.ErrorIds.Select(id => id.Split(',')[0]).Where(id => !scenario.RerunMayReport.Contains(id)).ToList();
            if (unexpected.Count > 0)
            {
                problems.Add($"the second run failed: {string.Join("; ", again.Errors.Select(e => e.ToString()).Append(again.Terminating?.ToString()).OfType<string>())}");
            }
            problems.AddRange(root.FilesParse().Concat(root.Settled()).Concat(root.HostLeftovers(pid)).Select(p => "after the second run: " + p));
            problems.AddRange(finished.Differences(EndState.Of(root)).Select(p => "after the second run: " + p));
            problems.AddRange(scenario.Done?.Invoke(root).Select(p => "after the second run: " + p) ?? Enumerable.Empty<string>());

            foreach (var cleanup in new[] { "Unlock-Kernel", "Uninstall-KernelUpdateGuard" })
            {
                var result = session.Run($"{cleanup} -Root $root -Confirm:$false", new Dictionary<string, object?> { ["root"] = root.Path });
                problems.AddRange(result.ErrorIds.Select(id => $"{cleanup} failed afterwards: {id}"));
            }
            problems.AddRange(root.CleanedUp().Select(p => "after Unlock-Kernel and Uninstall-KernelUpdateGuard: " + p));
        }
        finally
        {
            _sessions.Add(session);
        }
        return new KillRun(index, delay, aimed, killed, ran, problems);
    }

    private ChangeRoot Template(Scenario scenario)
    {
        var session = Session();
        var template = StartState(_lab, scenario, session);
        _sessions.Add(session);
        return template;
    }

    /// <summary>A world copy in the scenario's start state: edited, the admin's locks written, its Prepare commands run.</summary>
    public static ChangeRoot StartState(LabWorlds lab, Scenario scenario, PowerShellSession session)
    {
        var template = ChangeRoot.Copy(lab.Dir(scenario.World));
        try
        {
            scenario.Edit?.Invoke(template);
            template.WriteAdminLocks();
            foreach (var command in scenario.Prepare)
            {
                var result = session.Run($"{command} -Root $root -Confirm:$false", new Dictionary<string, object?> { ["root"] = template.Path });
                Assert.True(!result.ErrorIds.Any(), $"{command}: {string.Join("; ", result.ErrorIds)}");
            }
            var problems = template.FilesParse().Concat(template.Settled()).ToList();
            Assert.True(problems.Count == 0, "the start state is inconsistent: " + string.Join(" | ", problems));
            return template;
        }
        catch
        {
            template.Dispose();
            throw;
        }
    }

    // Until the root's change lock file appears (a change has begun): how long the command had run then; null when it ended first.
    private static TimeSpan? WaitForTheChange(ChangeRoot root, ArmedRunner runner)
    {
        while (!root.ChangeLockExists())
        {
            if (runner.WaitForExit(TimeSpan.FromMilliseconds(1)))
            {
                return null;
            }
        }
        return runner.Elapsed;
    }

    private PowerShellSession Session() => _sessions.TryTake(out var session) ? session : new PowerShellSession();

    private static string RunnerCommand(Scenario scenario, ChangeRoot root) => $"{scenario.Command} -Root {root.Path} -Confirm:$false";

    private static int Parallelism => int.TryParse(Environment.GetEnvironmentVariable("KMODPS_KILL_PARALLEL"), out var p) && p > 0 ? p : 2;

    // Where the guard's dnf4 post-transaction-actions plugin is installed, the guard writes an action file too.
    private static void WithDnfActions(ChangeRoot root) => Directory.CreateDirectory(root.Full("etc/dnf/plugins/post-transaction-actions.d"));

    // The vendor's fixed repository has the kmod for every kernel; install-only, so that the one for 611.41.1 stays.
    private static void WithFixedRepository(ChangeRoot root)
    {
        var repo = root.Full("etc/yum.repos.d/lab.repo");
        File.WriteAllText(repo, File.ReadAllText(repo).Replace($"file://{LabEnvironment.World("alma-repo")}\n", $"file://{LabEnvironment.World("alma-repo-fixed")}\n", StringComparison.Ordinal));
        Shell.Stdout("rm", "-rf", root.Full("var/cache/dnf"));
        File.AppendAllText(root.Full("etc/dnf/dnf.conf"), "installonlypkgs=kmod-nvidia-open\n");
    }

    // This host's own files that a KmodPS change under -Root could reach by mistake.
    private static string HostFingerprint()
    {
        var lines = new List<string>();
        foreach (var path in HostPaths)
        {
            var entries = Directory.Exists(path)
                ? Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Prepend(path)
                : new[] { path };
            foreach (var entry in entries.Order(StringComparer.Ordinal))
            {
                lines.Add(File.Exists(entry) ? $"{entry} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))}" : Directory.Exists(entry) ? $"{entry}/" : $"{entry} absent");
            }
        }
        return string.Join('\n', lines);
    }

    private sealed record KillRun(int Index, TimeSpan Delay, bool Aimed, bool Killed, TimeSpan Ran, List<string> Problems);

    /// <summary>What a change leaves that a second run must reach as well: the lock lines, the guard's files, the next boot.</summary>
    private sealed record EndState(string LockLines, string GuardFiles, string? NextBoot)
    {
        public static EndState Of(ChangeRoot root) =>
            new(string.Join(", ", root.LockLines().Order(StringComparer.Ordinal)), string.Join(", ", root.GuardFiles()), root.NextBoot());

        public IEnumerable<string> Differences(EndState actual)
        {
            if (actual.LockLines != LockLines)
            {
                yield return $"the lock lines are [{actual.LockLines}], an uninterrupted run leaves [{LockLines}]";
            }
            if (actual.GuardFiles != GuardFiles)
            {
                yield return $"the guard's files are [{actual.GuardFiles}], an uninterrupted run leaves [{GuardFiles}]";
            }
            if (actual.NextBoot != NextBoot)
            {
                yield return $"the next boot is {actual.NextBoot}, an uninterrupted run leaves {NextBoot}";
            }
        }
    }
}
