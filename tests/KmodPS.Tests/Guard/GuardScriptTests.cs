using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Guard;

public sealed class GuardScriptTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kmodps-hook-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void SameOptionsGiveTheSameBytesAndTheOptionsReadBack()
    {
        var options = new GuardOptions("/usr/local/bin/kmodps", Repair: true, Promote: true);
        var a = GuardScript.Generate(GuardHookKind.KernelInstallPlugin, GuardLayout.KernelInstallPlugin, options);
        var b = GuardScript.Generate(GuardHookKind.KernelInstallPlugin, GuardLayout.KernelInstallPlugin, options);
        Assert.Equal(a.Content, b.Content);
        Assert.StartsWith("#!/bin/sh\n", a.Content, StringComparison.Ordinal);
        Assert.Equal(options, GuardScript.ReadOptions(a.Content));
        Assert.Equal(("kernel-install", GuardScript.Format, GuardScript.KmodPSVersion), GuardScript.ReadMarker(a.Content));
        Assert.Equal("0755", GuardHook.Octal(a.Mode));
        Assert.Contains("KMODPS_GUARD_SWITCHES='-Repair -Promote'", a.Content, StringComparison.Ordinal);
        Assert.Null(GuardScript.ReadMarker("#!/bin/sh\necho mine\n"));
    }

    [Fact]
    public void ActionFileRunsThePluginForKernelCoreInstalls()
    {
        var action = GuardScript.Generate(GuardHookKind.DnfAction, GuardLayout.DnfAction, new GuardOptions("/usr/local/bin/kmodps", false, false));
        var lines = action.Content.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.Equal("kernel-core:in:/etc/kernel/install.d/95-kmodps.install add ${ver}-${rel}.${arch}", Assert.Single(lines));
        Assert.Equal("0644", GuardHook.Octal(action.Mode));
    }

    [Theory]
    [InlineData("/usr/local/bin/kmodps", true)]
    [InlineData("/opt/kmodps/bin/kmodps-1.0", true)]
    [InlineData("kmodps", false)]
    [InlineData("/usr/bin/kmod ps", false)]
    [InlineData("/usr/bin/'kmodps'", false)]
    [InlineData("/usr/bin/$(reboot)", false)]
    [InlineData("/usr/../bin/kmodps", false)]
    [InlineData("/usr/bin/kmodps\n", false)]
    public void RunnerPathMustBeAbsoluteAndQuoteSafe(string path, bool valid) => Assert.Equal(valid, GuardOptions.IsValidRunnerPath(path));

    [Theory]
    [InlineData(GuardHookKind.KernelInstallPlugin)]
    [InlineData(GuardHookKind.KernelPostinst)]
    [InlineData(GuardHookKind.HeaderPostinst)]
    public void ScriptsAreValidPosixShell(GuardHookKind kind)
    {
        var hook = GuardScript.Generate(kind, "/x", new GuardOptions("/usr/local/bin/kmodps", false, true));
        var file = Path.Combine(_dir.FullName, "hook");
        File.WriteAllText(file, hook.Content);
        foreach (var shell in new[] { "/bin/sh", "/usr/bin/dash" }.Where(File.Exists))
        {
            var (exit, output) = Shell.Run(shell, TimeSpan.FromSeconds(10), "-n", file);
            Assert.True(exit == 0, output);
        }
    }

    [Fact]
    public void HookPassesKernelAndRootAsEnvironmentLogsTheVerdictAndExitsZero()
    {
        var runner = FakeRunner(exitCode: 2, summary: "Kernel X lacks modules this host needs: nvidia (Missing); the boot default stays on Y.");
        var (exit, output) = RunHook(GuardHookKind.KernelInstallPlugin, runner, "add", "5.14.0-611.45.1.el9_7.x86_64", "/boot/loader/entries", "/lib/modules/x/vmlinuz");
        Assert.Equal(0, exit);
        Assert.Contains("kmodps: guard: Kernel X lacks modules this host needs: nvidia (Missing); the boot default stays on Y.", output, StringComparison.Ordinal);
        Assert.Contains("kmodps: a runner diagnostic", output, StringComparison.Ordinal);
        // The warning that repeats the verdict is logged once.
        Assert.DoesNotContain("kmodps: WARNING: Kernel X", output, StringComparison.Ordinal);
        var call = File.ReadAllText(Path.Combine(_dir.FullName, "call"));
        Assert.Contains("kernel=5.14.0-611.45.1.el9_7.x86_64 root=/tmp/the-root", call, StringComparison.Ordinal);
        Assert.Contains("args=--json|Invoke-KernelUpdateGuard -KernelVersion $env:KMODPS_GUARD_KERNEL -Root $env:KMODPS_GUARD_ROOT -Promote|", call, StringComparison.Ordinal);
        var journal = File.ReadAllLines(Path.Combine(_dir.FullName, "journal"));
        Assert.Equal(new[] { "-t kmodps -- a runner diagnostic", "-t kmodps -- guard: Kernel X lacks modules this host needs: nvidia (Missing); the boot default stays on Y." }, journal);
    }

    [Fact]
    public void KernelInstallRemoveDoesNothing()
    {
        var runner = FakeRunner(0, "x");
        Assert.Equal((0, string.Empty), RunHook(GuardHookKind.KernelInstallPlugin, runner, "remove", "5.14.0-1.el9.x86_64"));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "call")));
    }

    [Fact]
    public void DebianHookTakesTheVersionAsFirstArgument()
    {
        var runner = FakeRunner(0, "Kernel 6.1.0-56-amd64 has every module this host needs and boots next.");
        var (exit, output) = RunHook(GuardHookKind.KernelPostinst, runner, "6.1.0-56-amd64", "/boot/vmlinuz-6.1.0-56-amd64");
        Assert.Equal(0, exit);
        Assert.Contains("kmodps: guard: Kernel 6.1.0-56-amd64 has every module", output, StringComparison.Ordinal);
        Assert.Contains("kernel=6.1.0-56-amd64 ", File.ReadAllText(Path.Combine(_dir.FullName, "call")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.1.0; reboot")]
    [InlineData("$(reboot)")]
    [InlineData("")]
    public void InvalidKernelIsLoggedAndNotPassedOn(string kernel)
    {
        var runner = FakeRunner(0, "x");
        var (exit, output) = RunHook(GuardHookKind.HeaderPostinst, runner, kernel);
        Assert.Equal(0, exit);
        Assert.Contains("not a kernel release", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "call")));
    }

    [Fact]
    public void MissingRunnerIsLoggedAndTheHookStillExitsZero()
    {
        var (exit, output) = RunHook(GuardHookKind.KernelPostinst, Path.Combine(_dir.FullName, "no-such-runner"), "6.1.0-56-amd64");
        Assert.Equal(0, exit);
        Assert.Contains("was not checked: the runner", output, StringComparison.Ordinal);
    }

    private string FakeRunner(int exitCode, string summary)
    {
        var path = Path.Combine(_dir.FullName, "kmodps");
        var call = Path.Combine(_dir.FullName, "call");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            printf 'kernel=%s root=%s args=' "$KMODPS_GUARD_KERNEL" "$KMODPS_GUARD_ROOT" >'{{call}}'
            for a in "$@"; do printf '%s|' "$a" >>'{{call}}'; done
            echo 'a runner diagnostic' >&2
            echo 'WARNING: {{summary}}' >&2
            printf '[\n  {\n    "KernelVersion": "x",\n    "Summary": "{{summary}}",\n    "Root": "/"\n  }\n]\n'
            exit {{exitCode}}
            """);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private (int Exit, string Output) RunHook(GuardHookKind kind, string runner, params string[] arguments)
    {
        var hook = GuardScript.Generate(kind, "/x", new GuardOptions(runner, false, true));
        var file = Path.Combine(_dir.FullName, "hook");
        File.WriteAllText(file, hook.Content);
        var startInfo = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(file);
        arguments.ToList().ForEach(startInfo.ArgumentList.Add);
        startInfo.Environment["KMODPS_ROOT"] = "/tmp/the-root";
        // A fake logger first on PATH records what would reach the journal (and keeps test lines out of the host's).
        var bin = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "logger"), $"#!/bin/sh\nprintf '%s\\n' \"$*\" >>'{Path.Combine(_dir.FullName, "journal")}'\n");
        File.SetUnixFileMode(Path.Combine(bin, "logger"), (UnixFileMode)0b111_101_101);
        startInfo.Environment["PATH"] = bin + ":/usr/bin:/bin";
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
