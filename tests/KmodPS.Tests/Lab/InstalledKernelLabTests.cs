using KmodPS.Core.Models;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class InstalledKernelLabTests : IDisposable
{
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();

    public InstalledKernelLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _ps.Dispose();

    [LabFact]
    public void AlmaWorldsListExactlyTheRpmInstalledKernelsWithOwners()
    {
        foreach (var world in new[] { "alma-nvidia-before", "alma-nvidia-after" })
        {
            var root = _lab.Dir(world);
            var provides = Shell.Stdout("rpm", "--root", root, "-q", "--provides", "kernel-core");
            Assert.Contains("kernel-uname-r = 5.14.0-611.41.1.el9_7.x86_64", provides);
            var packages = Shell.Stdout("rpm", "--root", root, "-q", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n", "kernel-core")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
            var kernels = Kernels(root);
            Assert.Equal(packages.Select(p => p["kernel-core-".Length..]).Order(), kernels.Select(k => k.KernelVersion).Order());
            Assert.All(kernels, k => Assert.Equal("kernel-core-" + k.KernelVersion, k.Package));
        }
        Assert.Single(Kernels(_lab.Dir("alma-nvidia-before")));
        Assert.Equal(3, Kernels(_lab.Dir("alma-nvidia-after")).Count);
    }

    [LabFact]
    public void DnfQueriesWorkAgainstTheAlmaWorld()
    {
        var root = _lab.Dir("alma-nvidia-before");
        var available = Shell.Stdout("dnf", "--installroot", root, "--setopt=reposdir=" + Path.Combine(root, "etc/yum.repos.d"),
            "--releasever=9", "--cacheonly", "-q", "repoquery", "--qf", "%{name}-%{version}-%{release}", "kernel-core");
        Assert.Contains("kernel-core-5.14.0-611.45.1.el9_7", available);
        Assert.Contains("kernel-core-5.14.0-611.49.1.el9_7", available);
    }

    [LabFact]
    public void DebianWorldTakesOwnersFromTheDpkgDatabase()
    {
        var root = _lab.Dir("debian-dkms");
        var kernels = Kernels(root);
        Assert.True(kernels.Count >= 2);
        foreach (var kernel in kernels.Where(k => k.ImagePath is not null))
        {
            var owner = Shell.Stdout("dpkg-query", "--admindir", Path.Combine(root, "var/lib/dpkg"), "-S", kernel.ImagePath!).Split(':')[0];
            Assert.Equal(owner, kernel.Package);
        }
        Assert.Contains(kernels, k => k.HasHeaders);
        Assert.Contains(kernels, k => !k.HasHeaders);
    }

    private List<InstalledKernel> Kernels(string root)
    {
        var result = _ps.Run("Get-InstalledKernel -Root $root", new Dictionary<string, object?> { ["root"] = root });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => (InstalledKernel)o.BaseObject).ToList();
    }
}
