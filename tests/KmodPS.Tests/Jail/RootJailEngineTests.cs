using KmodPS.Core.TestRoots;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;

namespace KmodPS.Tests.Jail;

/// <summary>
/// Every changing cmdlet against New-KmodTestRoot roots with one hostile link each (issue 13: 18 of 31 such cases
/// wrote outside the root before the jail): the victims outside the root must stay byte-identical.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class RootJailEngineTests : IDisposable
{
    private const string Good = "5.14.0-611.41.1.el9_7.x86_64";
    private const string Broken = "5.14.0-611.45.1.el9_7.x86_64";
    private const string DebianOld = "6.1.0-55-amd64";
    private const string DebianNew = "6.1.0-56-amd64";

    private static readonly string[] AlmaCommands =
    {
        $"Lock-Kernel {Good}",
        $"Set-DefaultKernel {Good}",
        "Install-KernelUpdateGuard",
        $"Invoke-KernelUpdateGuard {Broken}",
        "Uninstall-KernelUpdateGuard",
        $"Remove-Kernel {Broken} -Force",
        "Repair-KernelModule",
        "Unlock-Kernel -All",
    };

    private static readonly string[] DebianCommands =
    {
        $"Lock-Kernel {DebianOld}",
        $"Set-DefaultKernel {DebianNew} -Force",
        "Install-KernelUpdateGuard",
        $"Invoke-KernelUpdateGuard {DebianNew}",
        "Uninstall-KernelUpdateGuard",
        $"Remove-Kernel {DebianOld} -Force",
        "Repair-KernelModule",
        "Unlock-Kernel -All",
    };

    private readonly PowerShellSession _session;
    private readonly LabWorldCopy _templates = new();

    public RootJailEngineTests(SharedSession shared)
    {
        _session = shared.Session;
    }

    public void Dispose() => _templates.Dispose();

    public static TheoryData<HostileLink, bool> AlmaLinks() => Cases(
        new HostileLink("/boot/grub2/grubenv"), new HostileLink("/boot/grub2", Relative: true), new HostileLink("/etc/dnf/plugins"),
        new HostileLink("/etc/dnf/plugins/versionlock.list"), new HostileLink("/etc"), new HostileLink("/var/lib/kmodps"),
        new HostileLink("/var/lib/kmodps/backup", Relative: true), new HostileLink("/etc/kernel/install.d"), new HostileLink("/etc/kernel"),
        new HostileLink("/var/lib/rpm"), new HostileLink("/etc/dnf/dnf.conf"));

    public static TheoryData<HostileLink, bool> DebianLinks() => Cases(
        new HostileLink("/boot/grub/grubenv"), new HostileLink("/boot/grub", Relative: true), new HostileLink("/etc/default/grub"),
        new HostileLink("/etc/apt/preferences.d"), new HostileLink("/etc/apt"), new HostileLink("/var/lib/dpkg"), new HostileLink("/var/lib/dpkg/status"),
        new HostileLink("/etc/kernel/postinst.d"), new HostileLink("/var/lib/kmodps", Relative: true), new HostileLink("/etc"));

    [Theory]
    [MemberData(nameof(AlmaLinks))]
    public void AlmaRootWritesNothingOutside(HostileLink link, bool whatIf)
    {
        using var root = new HostileRoot(Template(TestRootScenario.AlmaNvidiaKmodMissing), link);
        root.RunAndAssertNothingOutsideChanged(_session, AlmaCommands, whatIf);
    }

    [Theory]
    [MemberData(nameof(DebianLinks))]
    public void DebianRootWritesNothingOutside(HostileLink link, bool whatIf)
    {
        using var root = new HostileRoot(Template(TestRootScenario.DebianDkmsStale), link);
        root.RunAndAssertNothingOutsideChanged(_session, DebianCommands, whatIf);
    }

    [Fact]
    public void NewKmodTestRootFollowsItsOwnLinksInsideTheNewTree()
    {
        var outside = _templates.Directory();
        var before = LabWorldCopy.Entries(outside);
        foreach (var scenario in Enum.GetValues<TestRootScenario>())
        {
            var target = Path.Combine(_templates.Directory(), "root");
            var result = _session.Run("New-KmodTestRoot $target -Scenario $scenario", new Dictionary<string, object?> { ["target"] = target, ["scenario"] = scenario.ToString() });
            Assert.Empty(result.Errors);
            Assert.Null(result.Terminating);
        }
        Assert.Equal(before, LabWorldCopy.Entries(outside));
    }

    private string Template(TestRootScenario scenario)
    {
        var directory = Path.Combine(_templates.Directory(), "root");
        TestRootBuilder.Build(directory, scenario);
        return directory;
    }

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
