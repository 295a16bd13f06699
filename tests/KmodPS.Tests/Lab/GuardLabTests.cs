using System.Diagnostics;
using System.Text.Json;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Lab;

/// <summary>
/// The update guard in copies of the lab worlds: installed by the cmdlet, triggered by running the world's own
/// generated hook (as kernel-install / run-parts would) after a real dnf --installroot kernel install, with the
/// built runner behind a wrapper script as the hook's runner.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class GuardLabTests : IDisposable
{
    private const string K41 = "5.14.0-611.41.1.el9_7.x86_64";
    private const string K45 = "5.14.0-611.45.1.el9_7.x86_64";
    private const string K49 = "5.14.0-611.49.1.el9_7.x86_64";
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly LabWorldCopy _copies = new();

    public GuardLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.Dispose();
    }

    [LabFact]
    public void NewKernelWithoutItsKmodLeavesTheDefaultOnTheHealthyKernelAndALaterHealthyOneIsPromoted()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-before"));
        var runner = Runner();
        var before = LabWorldCopy.Entries(root);
        Assert.Empty(Run(root, $"Install-KernelUpdateGuard -RunnerPath '{runner}'").ErrorIds);
        var hook = Path.Combine(root, "etc/kernel/install.d/95-kmodps.install");
        Assert.True(File.Exists(hook));

        // dnf update brings 611.45.1 without its kmod; kernel-install's work (BLS entry, UPDATEDEFAULT=yes) makes it the default.
        RemoveKernelLabTests.Dnf(root, "install", "kernel-5.14.0-611.45.1.el9_7");
        KernelInstall(root, K45, makeDefault: true);
        Assert.Equal(K45, Default(root));
        var (exit, log) = Hook(root, hook, "add", K45, "/boot/loader/entries", $"/lib/modules/{K45}/vmlinuz");
        Assert.Equal(0, exit);
        Assert.Equal(K41, Default(root));
        Assert.Contains($"saved_entry={MachineId(root)}-{K41}", Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub2/grubenv"), "list"));
        Assert.Contains("kmodps: guard: Kernel 5.14.0-611.45.1.el9_7.x86_64 lacks modules this host needs: nvidia (Missing)", log, StringComparison.Ordinal);
        Assert.Contains($"moved from {K45} to {K41}", log, StringComparison.Ordinal);
        var state = State(root);
        Assert.Equal(K41, state.GetProperty("lastHealthyKernel").GetString());
        Assert.Equal("RolledBack", state.GetProperty("lastDecision").GetProperty("action").GetString());
        Assert.Contains("nvidia (Missing)", state.GetProperty("lastDecision").GetProperty("missingModules").EnumerateArray().Select(e => e.GetString()));

        // The vendor catches up: the fixed repository has the kmod for 611.49.1; it lands with the kernel (installonly, as kmodtool kmods are).
        File.WriteAllText(Path.Combine(root, "etc/yum.repos.d/lab.repo"),
            File.ReadAllText(Path.Combine(root, "etc/yum.repos.d/lab.repo")).Replace("/alma-repo\n", "/alma-repo-fixed\n", StringComparison.Ordinal));
        Shell.Stdout("rm", "-rf", Path.Combine(root, "var/cache/dnf"));
        RemoveKernelLabTests.Dnf(root, "--setopt=installonlypkgs=kmod-nvidia-open", "install", "kernel-5.14.0-611.49.1.el9_7", "kmod-nvidia-open-595.58.03-1.el9_7.611_49_1_el9_7");
        KernelInstall(root, K49, makeDefault: false);
        (exit, log) = Hook(root, hook, "add", K49);
        Assert.Equal(0, exit);
        Assert.Equal(K41, Default(root));
        Assert.Contains("has every module this host needs; the boot default stays on 5.14.0-611.41.1.el9_7.x86_64 (-Promote", log, StringComparison.Ordinal);

        Assert.Empty(Run(root, $"Install-KernelUpdateGuard -RunnerPath '{runner}' -Promote").ErrorIds);
        (exit, log) = Hook(root, hook, "add", K49);
        Assert.Equal(0, exit);
        Assert.Equal(K49, Default(root));
        Assert.Contains($"it is made the boot default (was {K41})", log, StringComparison.Ordinal);
        Assert.Equal("Promoted", State(root).GetProperty("lastDecision").GetProperty("action").GetString());

        var guard = (KernelUpdateGuard)Assert.Single(Run(root, "Get-KernelUpdateGuard").Output).BaseObject;
        Assert.True(guard.IsInstalled);
        Assert.True(guard.Promote);
        Assert.Equal(GuardAction.Promoted, guard.LastDecision!.Action);

        // Uninstall takes exactly the guard's files back out; what dnf and the boot loader changed stays.
        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard").ErrorIds);
        var after = LabWorldCopy.Entries(root);
        Assert.DoesNotContain(after.Keys, k => k.StartsWith("/etc/kernel/install.d", StringComparison.Ordinal) || k.StartsWith("/var/lib/kmodps", StringComparison.Ordinal));
        Assert.DoesNotContain(after.Keys, k => k.StartsWith("/etc/", StringComparison.Ordinal) && !before.ContainsKey(k));
    }

    [LabFact]
    public void InstallThenUninstallLeavesTheWorldByteIdenticalAndWhatIfWritesNothing()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-before"));
        // Where dnf4's post-transaction-actions plugin is installed, the guard adds an action file too.
        Directory.CreateDirectory(Path.Combine(root, "etc/dnf/plugins/post-transaction-actions.d"));
        var before = LabWorldCopy.Entries(root);
        Assert.Empty(Run(root, "Install-KernelUpdateGuard -Repair -Promote -WarningAction SilentlyContinue -WhatIf").ErrorIds);
        Assert.Equal(string.Empty, LabWorldCopy.Diff(before, LabWorldCopy.Entries(root)));

        var install = Run(root, "Install-KernelUpdateGuard -Repair -Promote -WarningAction SilentlyContinue");
        Assert.Empty(install.ErrorIds);
        var added = LabWorldCopy.Entries(root).Keys.Except(before.Keys).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[]
        {
            "/etc/dnf/plugins/post-transaction-actions.d/kmodps.action", "/etc/kernel/install.d", "/etc/kernel/install.d/95-kmodps.install",
            "/var/lib/kmodps", "/var/lib/kmodps/guard.json",
        }, added);
        Assert.Empty(Run(root, "Install-KernelUpdateGuard -Repair -Promote -WarningAction SilentlyContinue").ErrorIds);
        Assert.Equal(added, LabWorldCopy.Entries(root).Keys.Except(before.Keys).Order(StringComparer.Ordinal).ToArray());

        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard -WhatIf").ErrorIds);
        Assert.Equal(added.Length, LabWorldCopy.Entries(root).Keys.Except(before.Keys).Count());
        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard").ErrorIds);
        Assert.Equal(string.Empty, LabWorldCopy.Diff(before, LabWorldCopy.Entries(root)));
    }

    [LabFact]
    public void DebianHooksRunAfterDkmsAndReportTheStaleModule()
    {
        var root = _copies.Copy(_lab.Dir("debian-dkms"));
        var runner = Runner();
        var before = LabWorldCopy.Entries(root);
        Assert.Empty(Run(root, $"Install-KernelUpdateGuard -RunnerPath '{runner}'").ErrorIds);
        foreach (var directory in new[] { "etc/kernel/postinst.d", "etc/kernel/header_postinst.d" })
        {
            // run-parts --test lists what a kernel package's postinst would run, in order: dkms first, then the guard.
            var listed = Shell.Stdout("run-parts", "--test", $"--arg={LabEnvironment.DebianKernel}", Path.Combine(root, directory)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { Path.Combine(root, directory, "dkms"), Path.Combine(root, directory, "zzz-kmodps") }, listed);
        }
        var (exit, log) = Hook(root, Path.Combine(root, "etc/kernel/postinst.d/zzz-kmodps"), $"{LabEnvironment.DebianKernel}", $"/boot/vmlinuz-{LabEnvironment.DebianKernel}");
        Assert.Equal(0, exit);
        Assert.Contains("v4l2loopback (Stale)", log, StringComparison.Ordinal);
        Assert.Equal("NoHealthyKernel", State(root).GetProperty("lastDecision").GetProperty("action").GetString());
        Assert.Empty(Run(root, "Uninstall-KernelUpdateGuard").ErrorIds);
        Assert.Equal(string.Empty, LabWorldCopy.Diff(before, LabWorldCopy.Entries(root)));
    }

    [LabFact]
    public void DebianGrubPromotionGoesThroughGrubSetDefault()
    {
        var root = _copies.Copy(_lab.Dir("debian-grub"));
        var result = Run(root, $"Invoke-KernelUpdateGuard {LabEnvironment.DebianKernel} -Promote");
        Assert.Empty(result.ErrorIds);
        var decision = (KernelGuardDecision)Assert.Single(result.Output).BaseObject;
        Assert.Equal((GuardAction.Promoted, $"{LabEnvironment.DebianOldKernel}", $"{LabEnvironment.DebianKernel}"), (decision.Action, decision.DefaultBefore, decision.DefaultAfter));
        var saved = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub/grubenv"), "list").Split('\n').Single(l => l.StartsWith("saved_entry=", StringComparison.Ordinal));
        Assert.Matches($"^saved_entry=gnulinux-advanced-[0-9a-f-]+>gnulinux-{LabEnvironment.DebianKernel}-advanced-[0-9a-f-]+$", saved);
    }

    /// <summary>The runner path the hooks get: a wrapper script around the built runner (the hooks take one absolute path).</summary>
    private string Runner()
    {
        var path = Path.Combine(_copies.Directory(), "kmodps");
        File.WriteAllText(path, $"#!/bin/sh\nexec dotnet '{RunnerProcess.RunnerDll}' --module '{RepoPaths.Manifest}' \"$@\"\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>Runs a hook of the world as the package tools would, against the root (KMODPS_ROOT), logger kept off this host's journal.</summary>
    private (int ExitCode, string Log) Hook(string root, string hook, params string[] arguments)
    {
        var bin = _copies.Directory();
        File.WriteAllText(Path.Combine(bin, "logger"), "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(Path.Combine(bin, "logger"), (UnixFileMode)0b111_101_101);
        var startInfo = new ProcessStartInfo(hook) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(startInfo.ArgumentList.Add);
        startInfo.Environment["KMODPS_ROOT"] = root;
        startInfo.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), "the hook did not finish in 180 s");
        return (process.ExitCode, stdout.Result + stderr);
    }

    /// <summary>What kernel-install, dracut and grubby do on a real host (dnf --installroot runs no scriptlets), as the lab's alma_kernel_install.</summary>
    private static void KernelInstall(string root, string kernel, bool makeDefault)
    {
        var modules = Path.Combine(root, "lib/modules", kernel);
        File.Copy(Path.Combine(modules, "vmlinuz"), Path.Combine(root, "boot", "vmlinuz-" + kernel));
        File.Copy(Path.Combine(modules, "System.map"), Path.Combine(root, "boot", "System.map-" + kernel));
        File.Copy(Path.Combine(modules, "config"), Path.Combine(root, "boot", "config-" + kernel));
        File.WriteAllText(Path.Combine(root, "boot", $"initramfs-{kernel}.img"), $"KmodPS lab placeholder initramfs for {kernel}\n");
        Shell.Stdout("depmod", "-b", root, kernel);
        var id = MachineId(root);
        var template = File.ReadAllText(Path.Combine(root, "boot/loader/entries", $"{id}-{K41}.conf"));
        File.WriteAllText(Path.Combine(root, "boot/loader/entries", $"{id}-{kernel}.conf"), template.Replace(K41, kernel, StringComparison.Ordinal));
        if (makeDefault)
        {
            Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub2/grubenv"), "set", $"saved_entry={id}-{kernel}");
        }
    }

    private PowerShellSession.Result Run(string root, string command) =>
        _ps.Run($"{command} -Root $root", new Dictionary<string, object?> { ["root"] = root });

    private string? Default(string root) =>
        _ps.Run("Get-InstalledKernel -Root $root -WarningAction SilentlyContinue | Where-Object IsDefault | ForEach-Object KernelVersion", new Dictionary<string, object?> { ["root"] = root })
            .Output.SingleOrDefault()?.ToString();

    private static JsonElement State(string root) => JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "var/lib/kmodps/guard.json"))).RootElement;

    private static string MachineId(string root) => File.ReadAllText(Path.Combine(root, "etc/machine-id")).Trim();
}
