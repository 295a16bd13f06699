using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class KernelUpdateLabTests : IDisposable
{
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();

    public KernelUpdateLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _ps.Dispose();

    [LabFact]
    public void AlmaBeforeIsNotReadyAndNamesTheMissingKmodForBothNewKernels()
    {
        var root = _lab.Dir("alma-nvidia-before");
        Assert.False(Bool(root, string.Empty));
        var checks = Detailed(root, string.Empty);
        Assert.Equal(new[] { "5.14.0-611.45.1.el9_7.x86_64", "5.14.0-611.49.1.el9_7.x86_64" }, checks.Select(c => c.KernelVersion));
        Assert.All(checks, c =>
        {
            Assert.Equal(UpdateSource.Repository, c.Source);
            Assert.False(c.Ready);
            Assert.Contains(c.Problems, p => p.Module == "nvidia" && p.Reason.StartsWith("kmod-nvidia-open for ", StringComparison.Ordinal) && p.Reason.Contains("not in any enabled repository"));
            Assert.Contains(c.Problems, p => p.Remediation.Contains("Lock-Kernel -KernelVersion 5.14.0-611.41.1.el9_7"));
        });
    }

    [LabFact]
    public void OnceTheRepositoryHasTheKmodForEveryKernelTheAnswerIsTrue()
    {
        Assert.True(Bool(_lab.Dir("alma-nvidia-before-fixed"), string.Empty));
    }

    [LabFact]
    public void AlmaAfterIsNotReadyWithInstalledCandidates()
    {
        var root = _lab.Dir("alma-nvidia-after");
        Assert.False(Bool(root, "-Source Installed"));
        var checks = Detailed(root, "-Source Installed");
        Assert.Equal(2, checks.Count);
        Assert.All(checks, c => Assert.Equal((UpdateSource.Installed, false), (c.Source, c.Ready)));
        Assert.True(checks.Single(c => c.KernelVersion == "5.14.0-611.49.1.el9_7.x86_64").IsNextBootKernel);
    }

    [LabFact]
    public void DebianHeadersDecideDkmsReadiness()
    {
        var root = _lab.Dir("debian-dkms");
        var available = AvailableHeadersAbi(root);
        Assert.True(available is not null, "no older linux-headers ABI is offered by the Debian archive");
        Assert.True(Bool(root, $"-KernelVersion {available}"));
        var missing = Assert.Single(Detailed(root, "-KernelVersion 6.1.0-999-amd64"));
        Assert.False(missing.Ready);
        Assert.StartsWith("headers not available", Assert.Single(missing.Problems).Reason);
    }

    [LabFact]
    public void BuildExclusiveKernelThatExcludesTheCandidateIsReported()
    {
        var copy = Path.Combine(Path.GetTempPath(), "kmodps-exclusive-" + Guid.NewGuid().ToString("N"));
        try
        {
            Shell.Stdout("cp", "-al", _lab.Dir("debian-dkms"), copy);
            var conf = Path.Combine(copy, "usr/src/v4l2loopback-0.12.7/dkms.conf");
            var text = File.ReadAllText(conf) + "\nBUILD_EXCLUSIVE_KERNEL=\"^6\\.1\\.0-56-\"\n";
            File.Delete(conf);
            File.WriteAllText(conf, text);
            var abi = AvailableHeadersAbi(copy)!;
            var check = Assert.Single(Detailed(copy, $"-KernelVersion {abi}"));
            var problem = Assert.Single(check.Problems);
            Assert.Contains("BUILD_EXCLUSIVE_KERNEL", problem.Reason);
        }
        finally
        {
            Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", copy);
        }
    }

    [LabFact]
    public void AtMostTwoPackageManagerProcessesPerCall()
    {
        foreach (var (world, kernels) in new[] { ("alma-nvidia-before", (string[]?)null), ("alma-nvidia-after", null), ("debian-dkms", new[] { "6.1.0-54-amd64", "6.1.0-999-amd64" }) })
        {
            var runner = new CountingRunner(new ProcessCommandRunner());
            new UpdateReadinessReader(new DirectorySystemRoot(_lab.Dir(world)), runner).Check(kernels, includeRepository: true, includeInstalled: true, offline: false);
            Assert.True(runner.Commands.Count <= 2, $"{world}: {string.Join(" | ", runner.Commands)}");
            Assert.NotEmpty(runner.Commands);
        }
    }

    private string? AvailableHeadersAbi(string root)
    {
        var installed = Directory.GetDirectories(Path.Combine(root, "lib/modules")).Select(Path.GetFileName).ToHashSet();
        var current = Directory.GetDirectories(Path.Combine(root, "lib/modules")).Select(Path.GetFileName).Max()!;
        var abi = int.Parse(current.Split('-')[1]);
        var names = Enumerable.Range(abi - 10, 10).Select(n => $"6.1.0-{n}-amd64").Where(k => !installed.Contains(k)).ToList();
        var policy = Shell.Stdout("apt-cache", new[] { "-o", "Dir=" + root, "policy" }.Concat(names.Select(n => "linux-headers-" + n)).ToArray());
        return names.LastOrDefault(n => policy.Contains($"linux-headers-{n}:\n  Installed: (none)\n  Candidate: 6", StringComparison.Ordinal));
    }

    private bool Bool(string root, string arguments)
    {
        var result = _ps.Run($"Test-KernelUpdate -Root $root -Quiet {arguments}", new Dictionary<string, object?> { ["root"] = root });
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return (bool)Assert.Single(result.Output).BaseObject;
    }

    private List<KernelUpdateCheck> Detailed(string root, string arguments)
    {
        var result = _ps.Run($"Test-KernelUpdate -Root $root -Detailed -Quiet {arguments}", new Dictionary<string, object?> { ["root"] = root });
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return result.Output.Select(o => (KernelUpdateCheck)o.BaseObject).ToList();
    }

    private sealed class CountingRunner : ICommandRunner
    {
        private readonly ICommandRunner _inner;

        public CountingRunner(ICommandRunner inner)
        {
            _inner = inner;
        }

        public List<string> Commands { get; } = new();

        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
        {
            Commands.Add(request.DisplayText);
            return _inner.Run(request, cancellationToken);
        }

        public string? FindProgram(string name) => _inner.FindProgram(name);
    }
}
