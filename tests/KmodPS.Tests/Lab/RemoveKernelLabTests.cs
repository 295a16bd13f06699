using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;

namespace KmodPS.Tests.Lab;

/// <summary>Remove-Kernel against copies of the AlmaLinux worlds, with the real rpm database and the real dnf --installroot.</summary>
[Collection(LabCollection.Name)]
public sealed class RemoveKernelLabTests : IDisposable
{
    private const string K41 = "5.14.0-611.41.1.el9_7";
    private const string K45 = "5.14.0-611.45.1.el9_7";
    private const string K49 = "5.14.0-611.49.1.el9_7";
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly LabWorldCopy _copies = new();

    public RemoveKernelLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.Dispose();
    }

    [LabFact]
    public void RemovesARedundantKernelThroughRealDnf()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        var result = Run(root, $"Remove-Kernel {K45} -Confirm:$false");
        Assert.Empty(result.ErrorIds);
        Assert.Equal(new[] { $"kernel-core-{K41}.x86_64", $"kernel-core-{K49}.x86_64" }, Rpm(root, "kernel-core"));
        var (exit, output) = Shell.Run("rpm", TimeSpan.FromMinutes(1), "--root", root, "--dbpath", "/var/lib/rpm", "-q", $"kernel-modules-{K45}.x86_64", $"kernel-{K45}.x86_64");
        Assert.NotEqual(0, exit);
        Assert.Contains("is not installed", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{K45}.x86_64", Kernels(root));
        Assert.False(File.Exists(Path.Combine(root, $"boot/vmlinuz-{K45}.x86_64")));
        // The lab's BLS entry is not owned by a package (kernel-install writes it): the admin is told.
        Assert.Contains(result.Warnings, w => w.Contains("still names it", StringComparison.Ordinal));
        // dnf kept its history and log inside the root, not on this host.
        Assert.True(File.Exists(Path.Combine(root, "var/log/dnf.log")));
    }

    [LabFact]
    public void WhatIfLeavesTheTreeByteIdentical()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        var before = LabWorldCopy.Entries(root);
        var result = Run(root, $"Remove-Kernel {K45} -WhatIf");
        Assert.Empty(result.ErrorIds);
        Assert.Equal(string.Empty, LabWorldCopy.Diff(before, LabWorldCopy.Entries(root)));
        Assert.Equal(3, Rpm(root, "kernel-core").Count);
    }

    [LabFact]
    public void RefusesEveryProtectedKernelWithItsIdAndChangesNothing()
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        var before = LabWorldCopy.TreeHash(root);
        foreach (var force in new[] { string.Empty, " -Force" })
        {
            AssertRefused(root, $"Remove-Kernel {K49} -Confirm:$false{force}", "RemoveNextBootKernel");
            AssertRefused(root, $"Remove-Kernel {K41} -Confirm:$false{force}", "RemoveLastHealthyKernel");
            AssertRefused(root, $"Remove-Kernel '{K45};reboot' -Confirm:$false{force}", "InvalidKernelVersion");
            AssertRefused(root, $"Remove-Kernel 5.14.0-999.1.1.el9_7 -Confirm:$false{force}", "KernelNotFound");
        }
        Assert.Equal(before, LabWorldCopy.TreeHash(root));

        var locked = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        File.AppendAllText(Path.Combine(locked, "etc/dnf/plugins/versionlock.list"), $"# Added lock on Mon Nov 23 2026\nkernel-core-0:{K45}.*\n");
        var lockedBefore = LabWorldCopy.TreeHash(locked);
        AssertRefused(locked, $"Remove-Kernel {K45} -Confirm:$false -Force", "RemoveLockedKernel");
        Assert.Equal(lockedBefore, LabWorldCopy.TreeHash(locked));

        var unknown = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        Shell.Stdout("grub-editenv", Path.Combine(unknown, "boot/grub2/grubenv"), "set", "saved_entry=no-such-entry");
        var unknownBefore = LabWorldCopy.TreeHash(unknown);
        AssertRefused(unknown, $"Remove-Kernel {K45} -Confirm:$false -Force", "NextBootUnknown");
        Assert.Equal(unknownBefore, LabWorldCopy.TreeHash(unknown));
        Assert.Equal(3, Rpm(unknown, "kernel-core").Count);
    }

    [LabFact]
    public void ForceAlsoRemovesTheKmodBuiltForTheKernel()
    {
        // The fixed world: kmod-nvidia-open for 611.45.1 installed next to the one for 611.41.1 (installonly, as kmodtool kmods are).
        var root = _copies.Copy(_lab.Dir("alma-nvidia-before-fixed"));
        Dnf(root, "--setopt=installonlypkgs=kmod-nvidia-open", "install", $"kernel-{K45}", $"kmod-nvidia-open-595.58.03-1.el9_7.611_45_1_el9_7");
        Assert.Equal(2, Rpm(root, "kmod-nvidia-open").Count);
        var before = LabWorldCopy.TreeHash(root);
        AssertRefused(root, $"Remove-Kernel {K45} -Confirm:$false", "RemoveDependentPackages");
        Assert.Equal(before, LabWorldCopy.TreeHash(root));
        var forced = Run(root, $"Remove-Kernel {K45} -Confirm:$false -Force");
        Assert.Empty(forced.ErrorIds);
        Assert.Contains(forced.Warnings, w => w.Contains("kmod-nvidia-open-595.58.03-1.el9_7.611_45_1_el9_7.x86_64", StringComparison.Ordinal));
        Assert.Equal(new[] { "kmod-nvidia-open-595.58.03-1.el9_7.x86_64" }, Rpm(root, "kmod-nvidia-open"));
        Assert.Equal(new[] { $"kernel-core-{K41}.x86_64" }, Rpm(root, "kernel-core"));
    }

    [LabFact]
    public void FinishesARemovalKilledAfterRpmDeletedTheFiles()
    {
        // rpm erases a package's files before it drops the package from its database: a kill in between leaves the
        // kernel's packages recorded with no kernel to see. The first run's Remove-Kernel, run again, must finish it.
        var root = _copies.Copy(_lab.Dir("alma-nvidia-after"));
        var packages = new[] { "kernel", "kernel-core", "kernel-modules", "kernel-modules-core" }.Select(p => $"{p}-{K45}.x86_64").ToArray();
        var files = Shell.Stdout("rpm", new[] { "--root", root, "--dbpath", "/var/lib/rpm", "-ql" }.Concat(packages).ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => root + f).OrderByDescending(f => f.Length).ToList();
        foreach (var file in files)
        {
            if (File.Exists(file) || new FileInfo(file).LinkTarget is not null)
            {
                File.Delete(file);
            }
            else if (Directory.Exists(file) && !Directory.EnumerateFileSystemEntries(file).Any())
            {
                Directory.Delete(file);
            }
        }
        Assert.DoesNotContain($"{K45}.x86_64", Kernels(root));
        Assert.Equal(3, Rpm(root, "kernel-core").Count);

        var result = Run(root, $"Remove-Kernel {K45} -Confirm:$false");
        Assert.Empty(result.ErrorIds);
        Assert.Contains(result.Warnings, w => w.Contains("interrupted", StringComparison.Ordinal) && w.Contains($"kernel-core-{K45}.x86_64", StringComparison.Ordinal));
        Assert.Equal(new[] { $"kernel-core-{K41}.x86_64", $"kernel-core-{K49}.x86_64" }, Rpm(root, "kernel-core"));
        Assert.Empty(Rpm(root, $"kernel-modules-{K45}.x86_64"));
        AssertRefused(root, $"Remove-Kernel {K45} -Confirm:$false", "KernelNotFound");
    }

    private void AssertRefused(string root, string command, string id)
    {
        var result = Run(root, command);
        Assert.True(result.ErrorIds.Any(e => e.StartsWith(id + ",", StringComparison.Ordinal)), $"{command}: expected {id}, got {string.Join("; ", result.ErrorIds)}");
    }

    private PowerShellSession.Result Run(string root, string command) =>
        _ps.Run($"{command} -Root $root", new Dictionary<string, object?> { ["root"] = root });

    private List<string> Kernels(string root) =>
        _ps.Run("Get-InstalledKernel -Root $root -WarningAction SilentlyContinue | ForEach-Object KernelVersion", new Dictionary<string, object?> { ["root"] = root })
            .Output.Select(o => o.ToString()).ToList();

    private static List<string> Rpm(string root, string name)
    {
        var (_, output) = Shell.Run("rpm", TimeSpan.FromMinutes(1), "--root", root, "--dbpath", "/var/lib/rpm", "-q", name);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("not installed", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The lab's hermetic real dnf (tests/lab/lib/dnf-world.sh) with build.sh's install options.</summary>
    public static void Dnf(string root, params string[] arguments)
    {
        var (exit, output) = Shell.Run(Path.Combine(LabEnvironment.LabScripts, "lib", "dnf-world.sh"), TimeSpan.FromMinutes(5),
            new[] { root, "-y", "--noplugins", "--nogpgcheck", "--setopt=install_weak_deps=False", "--disablerepo=*", "--enablerepo=lab" }.Concat(arguments).ToArray());
        Assert.True(exit == 0, $"dnf {string.Join(' ', arguments)} failed ({exit}):\n{output}");
    }
}
