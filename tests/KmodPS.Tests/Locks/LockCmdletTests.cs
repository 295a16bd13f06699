using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Locks;

[Collection(EngineCollection.Name)]
public sealed class LockCmdletTests : IDisposable
{
    private readonly PowerShellSession _ps;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-cmdlet-" + Guid.NewGuid().ToString("N"));

    public LockCmdletTests(SharedSession shared)
    {
        _ps = shared.Session;
        Directory.CreateDirectory(Path.Combine(_root, "etc/dnf/plugins"));
        File.WriteAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list"), LockFixtures.Text("versionlock.list"));
        Directory.CreateDirectory(Path.Combine(_root, "var/lib/dpkg"));
        File.WriteAllText(Path.Combine(_root, "var/lib/dpkg/status"), LockFixtures.Text("dpkg-status-debian"));
        File.WriteAllText(Path.Combine(_root, "os-release"), "ID=debian\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> BadVersions() => new()
    {
        "6.1.0; reboot", "$(id)", "6.1.0-56-amd64\nrm -rf /", "6.1.0 56", "`id`", "6.1.0|true", "../../etc", "6.1.0-56-amd64'", string.Empty,
    };

    [Theory]
    [MemberData(nameof(BadVersions))]
    public void InvalidKernelVersionsAreRejectedBeforeAnythingRuns(string version)
    {
        var variables = new Dictionary<string, object?> { ["v"] = version, ["root"] = "/no/such/root" };
        foreach (var command in new[] { "Lock-Kernel -KernelVersion $v -Root $root", "Lock-Kernel -Exclude '5.14.0-611.45.1.el9_7', $v -Root $root", "Unlock-Kernel -KernelVersion $v -Root $root" })
        {
            var result = _ps.Run(command + " -Verbose 4>&1", variables);
            Assert.Equal(new[] { "InvalidKernelVersion,KmodPS.Commands." + command.Split(' ')[0].Replace("-", string.Empty) + "Command" }, result.ErrorIds);
            Assert.Empty(result.Output);
            Assert.Same(version, result.Errors[0].TargetObject);
        }
    }

    [Fact]
    public void AMissingRootIsRootNotFound()
    {
        foreach (var command in new[] { "Lock-Kernel 6.1.0-56-amd64 -Root /no/such/root", "Unlock-Kernel -Root /no/such/root", "Get-KernelLock -Root /no/such/root" })
        {
            Assert.Contains(_ps.Run(command).ErrorIds, id => id.StartsWith("RootNotFound,", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void GetKernelLockListsTheStoresOfARootAndFiltersByKernel()
    {
        var all = _ps.Run("Get-KernelLock -Root $root", new Dictionary<string, object?> { ["root"] = _root });
        Assert.Empty(all.Errors);
        Assert.Equal(8, all.Output.Count);
        Assert.All(all.Output, o => Assert.Equal("KmodPS.Core.Models.KernelLock", o.BaseObject.GetType().FullName));
        Assert.Contains(all.Warnings, w => w.Contains("linux-image-6.1.0-55-amd64 is held but"));
        var one = _ps.Run("Get-KernelLock 5.14.0-611.41.1.el9_7.x86_64 -Root $root", new Dictionary<string, object?> { ["root"] = _root });
        Assert.Equal(5, one.Output.Count);
        var piped = _ps.Run("[pscustomobject]@{ KernelVersion = '6.1.0-55-amd64'; Root = $root } | Get-KernelLock", new Dictionary<string, object?> { ["root"] = _root });
        Assert.Equal("linux-image-6.1.0-55-amd64", Assert.Single(piped.Output).Properties["Package"].Value);
    }

    [Fact]
    public void UnlockFromThePipelineRemovesOnlyThePipedKernelsKmodPSLocks()
    {
        var root = new KmodPS.Core.Platform.DirectorySystemRoot(_root);
        new KmodPS.Core.Locks.LockStateFile(root).Write(new[]
        {
            new KmodPS.Core.Locks.LockRecord(KmodPS.Core.Locks.LockStore.DnfVersionlockList, "/etc/dnf/plugins/versionlock.list", "kernel-core-0:5.14.0-611.41.1.el9_7.*", "kernel-core", null, KmodPS.Core.Models.KernelLockKind.Pin, "5.14.0-611.41.1.el9_7.x86_64", DateTimeOffset.UnixEpoch),
            new KmodPS.Core.Locks.LockRecord(KmodPS.Core.Locks.LockStore.DnfVersionlockList, "/etc/dnf/plugins/versionlock.list", "!kernel*-5.14.0-611.45.1.el9_7.*", "kernel*", null, KmodPS.Core.Models.KernelLockKind.Exclude, "5.14.0-611.45.1.el9_7", DateTimeOffset.UnixEpoch),
        });
        var list = Path.Combine(_root, "etc/dnf/plugins/versionlock.list");
        var original = File.ReadAllText(list);
        var variables = new Dictionary<string, object?> { ["root"] = _root };
        Assert.Empty(_ps.Run("[pscustomobject]@{ KernelVersion = $null; Root = $root } | Unlock-Kernel", variables).Errors);
        Assert.Equal(original, File.ReadAllText(list));
        var result = _ps.Run("Get-KernelLock -Root $root | Where-Object Package -eq 'kernel-core' | Unlock-Kernel -PassThru", variables);
        Assert.Empty(result.Errors);
        Assert.Equal("kernel-core-0:5.14.0-611.41.1.el9_7.*", Assert.Single(result.Output).Properties["Entry"].Value);
        Assert.Equal(original.Replace("\n# Added lock on Mon Nov 23 19:13:53 2026\nkernel-core-0:5.14.0-611.41.1.el9_7.*\n", string.Empty), File.ReadAllText(list));
        Assert.Contains("!kernel*-5.14.0-611.45.1.el9_7.*", File.ReadAllText(list));
    }

    [Fact]
    public void UnlockingWhatIsNotLockedIsANoOpWithAVerboseMessage()
    {
        var before = File.ReadAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list"));
        var result = _ps.Run("Unlock-Kernel 5.14.0-611.41.1.el9_7 -Root $root -Verbose 4>&1", new Dictionary<string, object?> { ["root"] = _root });
        Assert.Empty(result.Errors);
        Assert.Contains(result.Output, o => o.ToString().Contains("nothing to unlock"));
        Assert.Equal(before, File.ReadAllText(Path.Combine(_root, "etc/dnf/plugins/versionlock.list")));
        Assert.False(Directory.Exists(Path.Combine(_root, "var/lib/kmodps")));
    }
}
