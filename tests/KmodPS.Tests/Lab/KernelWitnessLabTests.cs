using System.Text.RegularExpressions;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Guard;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Issue 15 items 3 and 7 on copies of the lab worlds: a Debian ABI whose linux-image is gone (headers kept, or DKMS
/// modules left behind) is a leftover, not a kernel; the real rpm database witnesses kmod-nvidia-open's files.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class KernelWitnessLabTests : IDisposable
{
    private const string Nvidia41 = "5.14.0-611.41.1.el9_7.x86_64";
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly LabWorldCopy _copies = new();

    public KernelWitnessLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.Dispose();
    }

    [LabFact]
    public void HeadersWithoutTheirImageAreALeftoverOwnedByTheHeadersPackage()
    {
        var abi = LabEnvironment.DebianKernel;
        var root = _copies.Copy(_lab.Dir("debian-dkms"));
        RemoveAsDpkgWould(root, "linux-image-" + abi);

        var kernels = Run(root, "Get-InstalledKernel");
        Assert.Empty(kernels.Errors);
        Assert.DoesNotContain(abi, kernels.Output.Select(k => ((InstalledKernel)k.BaseObject).KernelVersion));
        Assert.Contains(LabEnvironment.DebianOldKernel, kernels.Output.Select(k => ((InstalledKernel)k.BaseObject).KernelVersion));
        Assert.Contains(kernels.Warnings, w => w.Contains($"/lib/modules/{abi} is a leftover") && w.Contains($"owned by linux-headers-{abi}"));

        // Its DKMS module no longer reads Installed for a kernel that cannot boot.
        var status = Run(root, "Get-KernelModuleStatus");
        Assert.DoesNotContain(status.Output, r => ((ModuleStatus)r.BaseObject).KernelVersion == abi);
        Assert.Contains(status.Warnings, w => w.Contains("leftover") && w.Contains(abi));

        var remove = Run(root, $"Remove-Kernel {abi} -Confirm:$false");
        Assert.Equal(new[] { "KernelLeftoverOwned" }, remove.ErrorIds.Select(e => e.Split(',')[0]));
        Assert.True(File.Exists(Path.Combine(root, $"lib/modules/{abi}/modules.dep")));
    }

    [LabFact]
    public void DkmsModulesLeftByARemovedImageAreALeftoverRemoveKernelCleansUp()
    {
        var abi = LabEnvironment.DebianKernel;
        var root = _copies.Copy(_lab.Dir("debian-dkms"));
        RemoveAsDpkgWould(root, "linux-image-" + abi);
        RemoveAsDpkgWould(root, "linux-headers-" + abi);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, $"lib/modules/{abi}/updates"), "*.ko*", SearchOption.AllDirectories));

        var kernels = Run(root, "Get-InstalledKernel");
        Assert.Contains(kernels.Warnings, w => w.Contains($"/lib/modules/{abi} is a leftover") && w.Contains("owned by no package"));

        var whatIf = Run(root, $"Remove-Kernel {abi} -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.True(Directory.Exists(Path.Combine(root, $"lib/modules/{abi}")));

        var removed = Run(root, $"Remove-Kernel {abi} -Confirm:$false");
        Assert.Empty(removed.Errors);
        Assert.False(Directory.Exists(Path.Combine(root, $"lib/modules/{abi}")));
        Assert.Contains(removed.Warnings, w => w.Contains("DKMS still records v4l2loopback/"));
        Assert.True(Directory.Exists(Path.Combine(root, $"lib/modules/{LabEnvironment.DebianOldKernel}/kernel")));
        Assert.DoesNotContain(Run(root, "Get-InstalledKernel").Warnings, w => w.Contains("leftover"));
    }

    [LabTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFileRpmListsButThatIsGoneMakesTheKernelUnhealthy(bool replacedByDirectory)
    {
        var root = _copies.Copy(_lab.Dir("alma-nvidia-before"));
        var module = Directory.GetFiles(Path.Combine(root, "lib/modules", Nvidia41), "nvidia.ko*", SearchOption.AllDirectories).Single();
        Assert.Equal(0, Shell.Run("rpm", TimeSpan.FromMinutes(1), "--root", root, "--dbpath", "/var/lib/rpm", "-qf", module[root.Length..]).ExitCode);
        File.Delete(module);
        if (replacedByDirectory)
        {
            Directory.CreateDirectory(module);
        }
        var status = Run(root, $"Get-KernelModuleStatus -Name nvidia -KernelVersion {Nvidia41}");
        Assert.Empty(status.Errors);
        var row = (ModuleStatus)Assert.Single(status.Output).BaseObject;
        Assert.Equal(replacedByDirectory ? ModuleState.Broken : ModuleState.Missing, row.State);
        Assert.StartsWith("kmod-nvidia-open-", row.Package);
        Assert.Contains("lists it", row.Reason);
        var ready = Run(root, $"Get-KernelModuleStatus -KernelVersion {Nvidia41} -Problem");
        Assert.Contains(ready.Output, r => ((ModuleStatus)r.BaseObject).Name == "nvidia");
    }

    // What dpkg -r does to the files: every file and link the package lists goes, then its directories that are empty,
    // then its database entry. dpkg --root would run the package's maintainer scripts chrooted into the world.
    private static void RemoveAsDpkgWould(string root, string package)
    {
        var info = Path.Combine(root, "var/lib/dpkg/info");
        var listed = File.ReadAllLines(Path.Combine(info, package + ".list")).Where(l => l.Length > 1).ToList();
        foreach (var path in listed.Select(l => root + l))
        {
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }
        foreach (var path in listed.Select(l => root + l).OrderByDescending(p => p.Length))
        {
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null && !Directory.EnumerateFileSystemEntries(path).Any())
            {
                Directory.Delete(path);
            }
        }
        foreach (var file in Directory.GetFiles(info, package + ".*"))
        {
            File.Delete(file);
        }
        var status = Path.Combine(root, "var/lib/dpkg/status");
        var stanzas = Regex.Split(File.ReadAllText(status).TrimEnd('\n'), "\n\n");
        File.WriteAllText(status, string.Join("\n\n", stanzas.Where(s => !s.StartsWith($"Package: {package}\n", StringComparison.Ordinal))) + "\n");
    }

    private PowerShellSession.Result Run(string root, string command) =>
        _ps.Run($"{command} -Root $root -WarningAction Continue", new Dictionary<string, object?> { ["root"] = root });
}
