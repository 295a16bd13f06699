using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.SecureBoot;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class ModuleStatusLabTests : IDisposable
{
    private const string Old = "5.14.0-611.41.1.el9_7.x86_64";
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();

    public ModuleStatusLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _ps.Dispose();

    [LabFact]
    public void SeedOneAfterShowsNvidiaMissingOnTheNewKernelsAndTheNextBoot()
    {
        var rows = Status(_lab.Dir("alma-nvidia-after"), "-Name nvidia");
        Assert.Equal(3, rows.Count);
        var installed = rows.Single(r => r.KernelVersion == Old);
        Assert.Equal((ModuleState.Installed, ModuleProvider.KmodPackage), (installed.State, installed.Provider));
        Assert.StartsWith("kmod-nvidia-open-595.58.03", installed.Package);
        Assert.All(rows.Where(r => r.KernelVersion != Old), r => Assert.Equal(ModuleState.Missing, r.State));
        Assert.True(rows.Single(r => r.KernelVersion == "5.14.0-611.49.1.el9_7.x86_64").IsNextBootKernel);
        var next = Status(_lab.Dir("alma-nvidia-after"), "-NextBoot -Problem");
        Assert.Equal(4, next.Count);
        Assert.All(next, r => Assert.Equal("5.14.0-611.49.1.el9_7.x86_64", r.KernelVersion));
    }

    [LabFact]
    public void SeedTwoShowsTheStaleBuildAndTheHeaderlessKernel()
    {
        var stale = File.ReadAllLines(Path.Combine(LabEnvironment.Directory, "debian-dkms.stale")).Where(l => l.Contains('=') && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var rows = Status(_lab.Dir("debian-dkms"), "-Provider Dkms");
        var staleRow = rows.Single(r => r.Name == stale["module"] && r.ModuleVersion == stale["version"] && r.KernelVersion == stale["kernel"]);
        Assert.Equal(ModuleState.Stale, staleRow.State);
        var missing = rows.Single(r => r.Name == "v4l2loopback" && r.State == ModuleState.Missing);
        Assert.NotEqual(stale["kernel"], missing.KernelVersion);
        Assert.StartsWith("headers not installed", missing.Reason);
        Assert.Equal(ModuleState.Built, rows.Single(r => r.ModuleVersion == "0.12.7.1").State);
    }

    [LabFact]
    public void DkmsRowsAgreeWithRealDkmsStatus()
    {
        var world = _lab.Dir("debian-dkms");
        var status = DkmsStatusParser.Parse(Shell.Stdout(Path.Combine(LabEnvironment.LabScripts, "lib", "dkms-world.sh"), world, "status"));
        var rows = Status(world, "-Provider Dkms");
        foreach (var line in status)
        {
            var matching = rows.Where(r => r.Package == $"{line.Module}/{line.Version}" && (line.KernelVersion is null || r.KernelVersion == line.KernelVersion)).ToList();
            Assert.NotEmpty(matching);
            var allowed = line.State switch
            {
                "installed" => new[] { ModuleState.Installed, ModuleState.Stale, ModuleState.Untrusted, ModuleState.Mismatch },
                "built" => new[] { ModuleState.Built, ModuleState.Stale },
                _ => new[] { ModuleState.Added },
            };
            Assert.All(matching, r => Assert.Contains(r.State, allowed));
        }
    }

    [LabFact]
    public void VermagicAndSignerAgreeWithRealModinfo()
    {
        var rows = new[] { "alma-nvidia-after", "debian-dkms" }.SelectMany(w => Status(_lab.Dir(w), string.Empty).Select(r => (World: _lab.Dir(w), Row: r)))
            .Where(x => x.Row.Path is not null && x.Row.Vermagic is not null).ToList();
        Assert.True(rows.Count >= 5);
        var files = rows.Select(x => x.World + x.Row.Path).ToList();
        var oracle = ModinfoOracle.Read(files);
        foreach (var (world, row) in rows)
        {
            var theirs = oracle[world + row.Path];
            Assert.Equal(theirs["vermagic"], row.Vermagic);
            Assert.Equal(theirs.GetValueOrDefault("signer"), row.Signer);
            Assert.Equal(theirs.GetValueOrDefault("sig_key"), row.SigKey);
        }
    }

    [LabFact]
    public void TheDkmsSignedModuleIsUntrustedUnderSecureBootUntilItsKeyIsEnrolled()
    {
        var world = _lab.Dir("debian-dkms");
        using var root = new TempRoot();
        foreach (var file in new[] { "/etc/os-release", "/usr/lib/os-release" }.Where(f => File.Exists(world + f)))
        {
            root.Write(file, File.ReadAllBytes(world + file));
        }
        var module = Directory.GetFiles(world + "/lib/modules", "v4l2loopback.ko", SearchOption.AllDirectories).First(f => f.Contains("/updates/"));
        root.Write(module[world.Length..], File.ReadAllBytes(module));
        // A kernel is installed only with its image: without one, the module directory is a leftover and has no rows.
        var kernel = module[(world + "/lib/modules/").Length..].Split('/')[0];
        root.Write("/boot/vmlinuz-" + kernel, File.ReadAllBytes(world + "/boot/vmlinuz-" + kernel));
        root.WriteEfivar("SecureBoot", SecureBootFixtures.EfiGlobal, new byte[] { 1 });
        var untrusted = Assert.Single(Status(root.Path, "-Name v4l2loopback"));
        Assert.Equal(ModuleState.Untrusted, untrusted.State);
        Assert.False(untrusted.SignatureTrusted);
        Assert.Contains("Key was rejected by service", untrusted.Reason);
        root.WriteEfivar("MokListRT", SecureBootFixtures.ShimLock, SecureBootFixtures.X509List(File.ReadAllBytes(world + "/var/lib/dkms/mok.pub")));
        var trusted = Assert.Single(Status(root.Path, "-Name v4l2loopback"));
        Assert.Equal(ModuleState.Installed, trusted.State);
        Assert.True(trusted.SignatureTrusted);
    }

    [LabFact]
    public void InTreeModulesAppearOnlyWhenNamedExactly()
    {
        var world = _lab.Dir("debian-dkms");
        Assert.DoesNotContain(Status(world, string.Empty), r => r.Provider == ModuleProvider.Kernel);
        var e1000e = Status(world, "-Name e1000e");
        Assert.Equal(2, e1000e.Count);
        Assert.All(e1000e, r => Assert.Equal(ModuleProvider.Kernel, r.Provider));
        Assert.All(e1000e, r => Assert.Equal("Build time autogenerated kernel key", r.Signer));
        // Debian's build key lives only inside the kernel image: each kernel's module verifies against its own image's builtin keyring.
        Assert.All(e1000e, r => Assert.True(r.SignatureTrusted));
        Assert.All(e1000e, r => Assert.Equal("verified by the .builtin_trusted_keys key 'Build time autogenerated kernel key'", r.SignatureCheck));
    }

    private List<ModuleStatus> Status(string root, string arguments)
    {
        var result = _ps.Run($"Get-KernelModuleStatus -Root $root {arguments}", new Dictionary<string, object?> { ["root"] = root });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => (ModuleStatus)o.BaseObject).ToList();
    }
}

[Collection(LabCollection.Name)]
public sealed class CompletionLabTests : IDisposable
{
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();

    public CompletionLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose() => _ps.Dispose();

    [LabFact]
    public void NameCompletesTheRootsOutOfTreeModules()
    {
        Assert.Equal(new[] { "v4l2loopback" }, Completion.Complete(_ps, $"Get-KernelModuleStatus -Root {_lab.Dir("debian-dkms")} -Name v4"));
        Assert.Equal(new[] { "nvidia", "nvidia_drm", "nvidia_modeset", "nvidia_uvm" }, Completion.Complete(_ps, $"Get-KernelModuleStatus -Root {_lab.Dir("alma-nvidia-after")} -Name nv"));
    }
}

[Collection(LabCollection.Name)]
public sealed class RemotingViewLabTests
{
    private readonly LabWorlds _lab;

    public RemotingViewLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    [LabFact]
    public void DeserializedStatusRowsAndUpdateChecksStillGetTheirViews()
    {
        var root = _lab.Dir("alma-nvidia-after");
        var (exit, stdout, stderr) = KmodPS.Tests.Runner.RunnerProcess.Run(
            $"[System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize(@(Get-KernelModuleStatus -Root '{root}'), 3))");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Kernel: 5.14.0-611.49.1.el9_7.x86_64 (next boot)", stdout);
        Assert.Matches(@"Module\s+Version\s+Provider\s+State\s+Loaded\s+Trusted", stdout);
        (exit, stdout, stderr) = KmodPS.Tests.Runner.RunnerProcess.Run(
            $"[System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize(@(Test-KernelUpdate -Root '{root}' -Detailed -Quiet -Source Installed), 3))");
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"KernelVersion\s+Source\s+Ready\s+Problems", stdout);
        Assert.Contains("nvidia, nvidia_drm", stdout);
    }
}
