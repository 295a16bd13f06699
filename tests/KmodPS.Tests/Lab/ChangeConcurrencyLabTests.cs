using System.Diagnostics;
using System.Text.RegularExpressions;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Runner;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Several runner processes changing one copy of the alma world at the same moment (Lock-Kernel, Unlock-Kernel,
/// Set-DefaultKernel, Install- and Uninstall-KernelUpdateGuard), round after round: each must succeed, or fail with
/// RootChangeInProgress when the root's change lock stays held past its wait, and the root must end with the
/// invariants of <see cref="ChangeRoot"/>. KMODPS_KILL_SEED repeats a run's choices.
/// </summary>
[Collection(LabCollection.Name)]
public sealed partial class ChangeConcurrencyLabTests : IDisposable
{
    private const int Rounds = 10;
    private static readonly string[] Changes =
    {
        $"Lock-Kernel {ChangeRoot.Good}",
        $"Lock-Kernel {ChangeRoot.Newest}",
        $"Unlock-Kernel {ChangeRoot.Middle}",
        "Unlock-Kernel",
        $"Set-DefaultKernel {ChangeRoot.Good}",
        $"Set-DefaultKernel {ChangeRoot.Newest} -Force -WarningAction SilentlyContinue",
        "Install-KernelUpdateGuard -Promote -WarningAction SilentlyContinue",
        "Uninstall-KernelUpdateGuard",
    };

    private readonly LabWorlds _lab;
    private readonly ITestOutputHelper _output;
    private readonly PowerShellSession _ps = new();

    public ChangeConcurrencyLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
    }

    public void Dispose() => _ps.Dispose();

    [LabFact]
    public void ChangesOfOneRootAtOnceEachSucceedOrFindTheRootBusyAndLeaveItConsistent()
    {
        var clock = Stopwatch.StartNew();
        using var template = ChangeRoot.Copy(_lab.Dir("alma-nvidia-after"));
        Directory.CreateDirectory(template.Full("etc/dnf/plugins/post-transaction-actions.d"));
        template.WriteAdminLocks();
        // A KmodPS lock to start from, so that an Unlock has something to take while others add theirs.
        Assert.Empty(Run($"Lock-Kernel {ChangeRoot.Middle}", template).ErrorIds);
        var machineId = File.ReadAllText(template.Full("etc/machine-id")).Trim();
        var boots = new[] { template.NextBoot(), $"{machineId}-{ChangeRoot.Good}.x86_64", $"{machineId}-{ChangeRoot.Newest}.x86_64" };

        var seed = int.TryParse(Environment.GetEnvironmentVariable("KMODPS_KILL_SEED"), out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        var failures = new List<string>();
        var (succeeded, busy) = (0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            using var root = ChangeRoot.Copy(template.Path);
            var commands = Changes.OrderBy(_ => random.Next()).Take(random.Next(3, 6)).ToList();
            // Every other round the wait is short enough that a change finds the root busy rather than queueing.
            var wait = round % 2 == 0 ? "240" : "0.5";
            var environment = new Dictionary<string, string> { ["KMODPS_LOCK_WAIT_SECONDS"] = wait };
            var runners = commands.AsParallel().Select(c => ArmedRunner.Start($"{c} -Root {root.Path} -Confirm:$false", environment)).ToList();
            runners.ForEach(r => r.Go());
            var problems = new List<string>();
            foreach (var runner in runners)
            {
                using (runner)
                {
                    if (!runner.WaitForExit(TimeSpan.FromMinutes(5)))
                    {
                        runner.Kill();
                        problems.Add($"'{runner.Command}' did not finish in 5 minutes");
                        continue;
                    }
                    var ids = ErrorId().Matches(runner.Output).Select(m => m.Groups[1].Value).Distinct().ToList();
                    if (runner.ExitCode == 0 && ids.Count == 0)
                    {
                        succeeded++;
                    }
                    else if (ids.SequenceEqual(new[] { "RootChangeInProgress" }))
                    {
                        busy++;
                    }
                    else
                    {
                        problems.Add($"'{runner.Command.Split(" -Root")[0]}' exited {runner.ExitCode}, neither a success nor RootChangeInProgress: {runner.Output.Trim()}");
                    }
                    problems.AddRange(root.HostLeftovers(runner.ProcessId));
                }
            }
            problems.AddRange(root.FilesParse());
            problems.AddRange(root.Settled());
            if (!boots.Contains(root.NextBoot()))
            {
                problems.Add($"the next boot is {root.NextBoot()}, none of the kernels the changes chose ({string.Join(", ", boots)})");
            }
            foreach (var cleanup in new[] { "Unlock-Kernel", "Uninstall-KernelUpdateGuard" })
            {
                problems.AddRange(Run(cleanup, root).ErrorIds.Select(id => $"{cleanup} failed afterwards: {id}"));
            }
            problems.AddRange(root.CleanedUp().Select(p => "after Unlock-Kernel and Uninstall-KernelUpdateGuard: " + p));
            _output.WriteLine($"round {round} (wait {wait} s): {string.Join("; ", commands)}{(problems.Count == 0 ? string.Empty : "\n    " + string.Join("\n    ", problems))}");
            failures.AddRange(problems.Select(p => $"round {round} ({string.Join("; ", commands)}): {p}"));
        }
        _output.WriteLine($"seed {seed}: {Rounds} rounds, {succeeded} changes succeeded, {busy} found the root busy, {clock.Elapsed.TotalSeconds:0} s");
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join('\n', failures));
        Assert.True(succeeded > busy, $"seed {seed}: only {succeeded} changes succeeded and {busy} found the root busy");
    }

    private PowerShellSession.Result Run(string command, ChangeRoot root) =>
        _ps.Run($"{command} -Root $root -Confirm:$false", new Dictionary<string, object?> { ["root"] = root.Path });

    [GeneratedRegex(@"\[(\w+),KmodPS\.Commands\.")]
    private static partial Regex ErrorId();
}
