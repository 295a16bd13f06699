using System.Text.RegularExpressions;
using KmodPS.Core.Models;

namespace KmodPS.Tests.Engine;

/// <summary>
/// Issue 15 items 3 and 7 on New-KmodTestRoot roots: a kernel is installed only with an image (a bare module directory
/// is a leftover, warned about and removable), and the package database witnesses the module files it lists.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class KernelWitnessTests : IDisposable
{
    private const string Leftover = "6.1.0-54-amd64";
    private const string AlmaOld = "5.14.0-611.41.1.el9_7.x86_64";
    private readonly PowerShellSession _ps;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-witness-" + Guid.NewGuid().ToString("N"));

    public KernelWitnessTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void AModuleDirectoryWithoutAnImageIsALeftoverNotAKernel()
    {
        var root = DebianWithLeftover();
        var kernels = _ps.Run("Get-InstalledKernel -Root $root", Vars(root));
        Assert.Empty(kernels.Errors);
        Assert.DoesNotContain(kernels.Output, k => ((InstalledKernel)k.BaseObject).KernelVersion == Leftover);
        var warning = Assert.Single(kernels.Warnings, w => w.Contains("leftover"));
        Assert.Contains($"/lib/modules/{Leftover}", warning);
        Assert.Contains("KiB", warning);
        Assert.Contains("owned by no package", warning);

        var status = _ps.Run("Get-KernelModuleStatus -Root $root", Vars(root));
        Assert.Empty(status.Errors);
        Assert.DoesNotContain(status.Output, r => ((ModuleStatus)r.BaseObject).KernelVersion == Leftover);
        Assert.Contains(status.Warnings, w => w.Contains("leftover") && w.Contains(Leftover));

        // Never a candidate for the boot default.
        var set = _ps.Run($"Set-DefaultKernel {Leftover} -Root $root -Confirm:$false", Vars(root));
        Assert.Equal(new[] { "KernelNotFound" }, Ids(set));
    }

    [Fact]
    public void RemoveKernelRemovesAnUnownedLeftoverWithWhatIfFirst()
    {
        var root = DebianWithLeftover();
        var whatIf = _ps.Run($"Remove-Kernel {Leftover} -Root $root -WhatIf", Vars(root));
        Assert.Empty(whatIf.Errors);
        Assert.True(Directory.Exists(Path.Combine(root, "lib/modules", Leftover, "updates/dkms")));

        var removed = _ps.Run($"Remove-Kernel {Leftover} -Root $root -Confirm:$false", Vars(root));
        Assert.Empty(removed.Errors);
        Assert.False(Directory.Exists(Path.Combine(root, "lib/modules", Leftover)));
        // The headers link was removed, not followed.
        Assert.True(File.Exists(Path.Combine(root, "usr/src/linux-headers-" + Leftover, "Makefile")));
        Assert.True(Directory.Exists(Path.Combine(root, "lib/modules/6.1.0-56-amd64")));

        var again = _ps.Run($"Remove-Kernel {Leftover} -Root $root -Confirm:$false", Vars(root));
        Assert.Equal(new[] { "KernelNotFound" }, Ids(again));
    }

    [Fact]
    public void ALeftoverAPackageStillOwnsIsLeftToThePackageManager()
    {
        var root = DebianWithLeftover();
        var answers = Path.Combine(root, "var/lib/kmodps/testroot.json");
        var json = File.ReadAllText(answers);
        json = new Regex("\"installed\"\\s*:\\s*\\[").Replace(json,
            $"\"installed\": [ {{ \"package\": \"linux-headers-{Leftover}\", \"files\": [ \"/lib/modules/{Leftover}/build\" ] }},", 1);
        File.WriteAllText(answers, json);

        var kernels = _ps.Run("Get-InstalledKernel -Root $root", Vars(root));
        Assert.Contains(kernels.Warnings, w => w.Contains("leftover") && w.Contains($"owned by linux-headers-{Leftover}"));
        var removed = _ps.Run($"Remove-Kernel {Leftover} -Root $root -Confirm:$false", Vars(root));
        Assert.Equal(new[] { "KernelLeftoverOwned" }, Ids(removed));
        Assert.True(Directory.Exists(Path.Combine(root, "lib/modules", Leftover, "updates/dkms")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AModuleFileThePackageListsButIsGoneIsAProblemAndTheKernelIsNotHealthy(bool replacedByDirectory)
    {
        var root = Build("AlmaNvidiaKmodMissing");
        var module = Path.Combine(root, "lib/modules", AlmaOld, "extra/nvidia-open/nvidia.ko");
        File.Delete(module);
        if (replacedByDirectory)
        {
            Directory.CreateDirectory(module);
        }
        var result = _ps.Run($"Get-KernelModuleStatus -Root $root -Name nvidia -KernelVersion {AlmaOld} -WarningAction SilentlyContinue", Vars(root));
        Assert.Empty(result.Errors);
        var row = (ModuleStatus)Assert.Single(result.Output).BaseObject;
        Assert.Equal(replacedByDirectory ? ModuleState.Broken : ModuleState.Missing, row.State);
        Assert.Equal(ModuleProvider.KmodPackage, row.Provider);
        Assert.StartsWith("kmod-nvidia-open-", row.Package);
        Assert.Contains("lists it", row.Reason);
        Assert.Contains(replacedByDirectory ? "is a directory" : "is missing", row.Reason);

        var set = _ps.Run($"Set-DefaultKernel {AlmaOld} -Root $root -Confirm:$false", Vars(root));
        Assert.Contains("KernelNotHealthy", Ids(set));
    }

    [Fact]
    public void AModuleFileModulesDepListsButIsGoneIsMissing()
    {
        var root = Build("DebianDkmsStale");
        var directory = Path.Combine(root, "lib/modules/6.1.0-56-amd64");
        File.AppendAllText(Path.Combine(directory, "modules.dep"), "extra/handmade.ko:\n");
        var result = _ps.Run("Get-KernelModuleStatus -Root $root -Name handmade -KernelVersion 6.1.0-56-amd64 -WarningAction SilentlyContinue", Vars(root));
        Assert.Empty(result.Errors);
        var row = (ModuleStatus)Assert.Single(result.Output).BaseObject;
        Assert.Equal((ModuleState.Missing, ModuleProvider.Manual), (row.State, row.Provider));
        Assert.Contains("modules.dep", row.Reason);
    }

    private string DebianWithLeftover()
    {
        var root = Build("DebianDkmsStale");
        var modules = Path.Combine(root, "lib/modules", Leftover);
        Directory.CreateDirectory(Path.Combine(modules, "updates/dkms"));
        File.Copy(Directory.GetFiles(Path.Combine(root, "lib/modules/6.1.0-56-amd64/updates/dkms")).First(), Path.Combine(modules, "updates/dkms/v4l2loopback.ko"));
        var headers = Path.Combine(root, "usr/src/linux-headers-" + Leftover);
        Directory.CreateDirectory(headers);
        File.WriteAllText(Path.Combine(headers, "Makefile"), "# headers\n");
        File.CreateSymbolicLink(Path.Combine(modules, "build"), "/usr/src/linux-headers-" + Leftover);
        return root;
    }

    private string Build(string scenario)
    {
        var root = Path.Combine(_directory, scenario + Guid.NewGuid().ToString("N")[..6]);
        var result = _ps.Run("New-KmodTestRoot -Path $root -Scenario $scenario", new Dictionary<string, object?> { ["root"] = root, ["scenario"] = scenario });
        Assert.Empty(result.Errors);
        return root;
    }

    private static string[] Ids(PowerShellSession.Result result) => result.ErrorIds.Select(e => e.Split(',')[0]).ToArray();

    private static Dictionary<string, object?> Vars(string root) => new() { ["root"] = root };
}
