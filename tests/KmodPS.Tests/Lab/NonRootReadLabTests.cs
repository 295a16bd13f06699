using KmodPS.Tests.Runner;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Issue 15 item 5: every read cmdlet run as nobody (setpriv around the runner) on a world-readable copy of a lab world
/// gives what root gets: the same objects, warnings and exit code. Where nobody cannot read a file (a grubenv, a module,
/// a dkms.conf or a kernel image left 0600 root), the read still answers, with a warning naming the file, never an exception.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class NonRootReadLabTests(LabWorlds lab, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Reads =
    {
        "Get-InstalledKernel", "Get-KernelModuleStatus", "Get-KernelHost", "Get-KernelLock", "Get-KernelUpdateGuard",
        "Test-KernelUpdate -Offline -Detailed", "Export-KernelModuleMetrics -SkipUpdateCheck",
    };

    private readonly List<string> _copies = new();

    public void Dispose() => _copies.ForEach(c => Directory.Delete(c, recursive: true));

    [LabTheory]
    [InlineData("debian-dkms")]
    [InlineData("debian-grub")]
    [InlineData("alma-nvidia-after")]
    public void EveryReadAsNobodyEqualsRootsOnAWorldReadableCopy(string world)
    {
        var root = WorldReadableCopy(world);
        foreach (var read in Reads)
        {
            var command = $"{read} -Root '{root}'";
            var asRoot = RunnerProcess.Run("--json", command);
            var asNobody = RunnerProcess.RunAsNobody("--json", command);
            output.WriteLine($"{world}: {read}: exit {asRoot.ExitCode} as root, {asNobody.ExitCode} as nobody");
            Assert.DoesNotContain("Exception", asNobody.Stdout + asNobody.Stderr);
            Assert.True(asRoot == asNobody, $"{read} on {world}: as root (exit {asRoot.ExitCode}):\n{asRoot.Stderr}\n{asRoot.Stdout}\nas nobody (exit {asNobody.ExitCode}):\n{asNobody.Stderr}\n{asNobody.Stdout}");
        }
    }

    [LabFact]
    public void WhatNobodyCannotReadIsAWarningNamingIt()
    {
        var alma = WorldReadableCopy("alma-nvidia-after");
        var grubenv = Path.Combine(alma, "boot", "grub2", "grubenv");
        var module = Directory.EnumerateFiles(Path.Combine(alma, "lib", "modules"), "nvidia.ko*", SearchOption.AllDirectories).First();
        var debian = WorldReadableCopy("debian-dkms");
        var conf = Path.Combine(debian, "usr", "src", $"v4l2loopback-{Built("debian_dkms_v4l2loopback")}", "dkms.conf");
        var image = Path.Combine(debian, "boot", "vmlinuz-" + LabEnvironment.DebianKernel);
        foreach (var file in new[] { grubenv, module, conf, image })
        {
            OwnCopy(file);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var cases = new (string Command, string Unreadable)[]
        {
            ($"Get-KernelModuleStatus -Root '{alma}'", grubenv),
            ($"Get-InstalledKernel -Root '{alma}'", grubenv),
            ($"Get-KernelModuleStatus -Root '{debian}'", conf),
            ($"Get-KernelModuleStatus -Name fat -KernelVersion {LabEnvironment.DebianKernel} -Root '{debian}'", image),
        };
        foreach (var (command, unreadable) in cases)
        {
            var (exit, stdout, stderr) = RunnerProcess.RunAsNobody("--json", command);
            output.WriteLine($"{command}: exit {exit}\n{stderr}");
            Assert.Equal(0, exit);
            Assert.DoesNotContain("Exception", stdout + stderr);
            Assert.Contains(stderr.Split('\n'), line => line.StartsWith("WARNING:", StringComparison.Ordinal) && line.Contains(unreadable, StringComparison.Ordinal));
            Assert.StartsWith("[", stdout.TrimStart());
        }
        var (_, rows, _) = RunnerProcess.RunAsNobody("--json", $"Get-KernelModuleStatus -Name nvidia -Root '{alma}'");
        Assert.Contains("unreadable", rows);
    }

    // A hard-link copy (cheap for the kernels' module trees) whose directories and files nobody may read: a file that is
    // not world-readable gets its own inode first, so the world itself is never changed.
    private string WorldReadableCopy(string world)
    {
        var source = lab.Dir(world);
        var copy = Path.Combine(Path.GetDirectoryName(source)!, $".nobody-{world}-{Guid.NewGuid():N}");
        _copies.Add(copy);
        Shell.Stdout("cp", "-al", source, copy);
        foreach (var file in Shell.Stdout("find", copy, "-type", "f", "!", "-perm", "-o+r").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            OwnCopy(file);
            Shell.Stdout("chmod", "a+r", file);
        }
        Shell.Stdout("find", copy, "-type", "d", "!", "-perm", "-o+rx", "-exec", "chmod", "a+rx", "{}", "+");
        return copy;
    }

    private static void OwnCopy(string file)
    {
        Shell.Stdout("cp", "-a", file, file + ".own");
        File.Move(file + ".own", file, overwrite: true);
    }

    private static string Built(string key) =>
        File.ReadLines(Path.Combine(LabEnvironment.Directory, ".built")).First(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
}
