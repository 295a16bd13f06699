using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Jail;

/// <summary>
/// The hostile-link cases against lab worlds, where the real dnf (locklist=, --installroot), grub-editenv,
/// apt-mark and dpkg --root get the paths: the tools must not follow a root's link out of it either.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class RootJailLabTests : IDisposable
{
    private const string AlmaGood = "5.14.0-611.41.1.el9_7.x86_64";
    private const string AlmaBroken = "5.14.0-611.45.1.el9_7.x86_64";

    private readonly LabWorlds _lab;
    private readonly PowerShellSession _session = new();

    public RootJailLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _session.Dispose();

    public static TheoryData<HostileLink, bool> AlmaLinks() => Cases(
        new HostileLink("/boot/grub2/grubenv"), new HostileLink("/boot/grub2", Relative: true), new HostileLink("/etc/dnf/plugins"),
        new HostileLink("/etc/dnf/plugins/versionlock.list"), new HostileLink("/etc"), new HostileLink("/var/lib/kmodps"),
        new HostileLink("/etc/kernel/install.d"), new HostileLink("/var/lib/rpm"), new HostileLink("/var/lib/dnf"), new HostileLink("/var/cache/dnf", Relative: true));

    public static TheoryData<HostileLink, bool> DebianLinks() => Cases(
        new HostileLink("/boot/grub/grubenv"), new HostileLink("/boot/grub", Relative: true), new HostileLink("/etc/default/grub"),
        new HostileLink("/etc/apt/preferences.d"), new HostileLink("/var/lib/dpkg"), new HostileLink("/var/lib/dpkg/status"),
        new HostileLink("/var/lib/apt", Relative: true), new HostileLink("/etc/kernel/postinst.d"), new HostileLink("/var/lib/kmodps"), new HostileLink("/etc"));

    [LabTheory]
    [MemberData(nameof(AlmaLinks))]
    public void AlmaWorldWritesNothingOutside(HostileLink link, bool whatIf)
    {
        using var root = new HostileRoot(_lab.Dir("alma-nvidia-after"), link);
        root.RunAndAssertNothingOutsideChanged(_session, Commands(whatIf,
            $"Lock-Kernel {AlmaGood}", $"Set-DefaultKernel {AlmaGood}", "Install-KernelUpdateGuard", $"Invoke-KernelUpdateGuard {AlmaBroken}",
            "Uninstall-KernelUpdateGuard", $"Remove-Kernel {AlmaBroken} -Force", "Unlock-Kernel -All"), whatIf);
    }

    [LabTheory]
    [MemberData(nameof(DebianLinks))]
    public void DebianWorldWritesNothingOutside(HostileLink link, bool whatIf)
    {
        using var root = new HostileRoot(_lab.Dir("debian-dkms"), link);
        root.RunAndAssertNothingOutsideChanged(_session, Commands(whatIf,
            $"Lock-Kernel {LabEnvironment.DebianOldKernel}", $"Set-DefaultKernel {LabEnvironment.DebianOldKernel} -Force", "Install-KernelUpdateGuard",
            $"Invoke-KernelUpdateGuard {LabEnvironment.DebianKernel}", "Uninstall-KernelUpdateGuard", $"Remove-Kernel {LabEnvironment.DebianOldKernel} -Force",
            "Unlock-Kernel -All"), whatIf);
    }

    // Repair runs real builds and installs; under -WhatIf it plans them (reading through the same links).
    private static IEnumerable<string> Commands(bool whatIf, params string[] commands) =>
        whatIf ? commands.Append("Repair-KernelModule") : commands;

    private static TheoryData<HostileLink, bool> Cases(params HostileLink[] links)
    {
        var data = new TheoryData<HostileLink, bool>();
        foreach (var link in links)
        {
            data.Add(link, false);
            data.Add(link, true);
        }
        return data;
    }
}
