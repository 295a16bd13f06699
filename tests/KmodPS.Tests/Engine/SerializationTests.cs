using System.Collections;
using System.Management.Automation;
using KmodPS.Core.Models;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Engine;

/// <summary>
/// Objects must survive remoting: a CliXml round trip at the default depth (what remoting uses, raised only by a
/// type's SerializationDepth in KmodPS.types.ps1xml) keeps every property, nested objects included, and the
/// copies still get the module's views.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class SerializationTests
{
    private const string RoundTrip =
        "[System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($o))";

    private static readonly DateTime DecisionTime = new(2026, 11, 2, 8, 30, 0, DateTimeKind.Utc);

    private readonly PowerShellSession _ps;

    public SerializationTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    private static ModuleStatus Status => new(
        "nvidia", "595.58.03", "5.14.0-611.45.1.el9_7.x86_64", ModuleProvider.KmodPackage, ModuleState.Missing, "no package", "kmod-nvidia-open-595.58.03-1.el9_7.x86_64",
        "/lib/modules/5.14.0-611.45.1.el9_7.x86_64/extra/nvidia.ko", "5.14.0-611.45.1.el9_7.x86_64 SMP mod_unload", "0A1B2C", "AlmaLinux kernel signing key", "1F:2E", true, false, false, true, "/");

    private static KernelGuardDecision Decision => new(
        "5.14.0-611.49.1.el9_7.x86_64", false, new[] { "nvidia (Missing)", "nvidia_drm (Missing)" }, GuardAction.RolledBack, "5.14.0-611.49.1.el9_7.x86_64",
        "5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64", "NotRequested", true, "Kernel 5.14.0-611.49.1.el9_7.x86_64 lacks modules", DecisionTime, "/");

    /// <summary>One object of every KmodPS output type, every nested collection and object filled in.</summary>
    public static TheoryData<object> Outputs() => new()
    {
        new InstalledKernel("6.1.0-56-amd64", "/", "/boot/vmlinuz-6.1.0-56-amd64", "/lib/modules/6.1.0-56-amd64", true, "/usr/src/linux-headers-6.1.0-56-amd64", true, "linux-image-6.1.0-56-amd64", true, "gnulinux-6.1.0-56-amd64-advanced-x", true),
        new KernelHost("/", HostFamily.Debian, "debian", new[] { "debian", "ubuntu" }, "12", "Debian GNU/Linux 12 (bookworm)", "6.1.0-56-amd64"),
        Status,
        new KernelUpdateCheck("5.14.0-611.45.1.el9_7.x86_64", UpdateSource.Repository,
            new[]
            {
                new KernelUpdateProblem("nvidia", ModuleProvider.KmodPackage, "kmod-nvidia-open for 5.14.0-611.45.1.el9_7 is not in any enabled repository", "Lock-Kernel -KernelVersion 5.14.0-611.41.1.el9_7 or wait"),
                new KernelUpdateProblem("v4l2loopback", ModuleProvider.Dkms, "headers not available", "install linux-headers"),
            },
            "5.14.0-611.41.1.el9_7.x86_64", true, "/"),
        new KernelLock("kernel-core", "0:5.14.0-611.41.1.el9_7.*", "5.14.0-611.41.1.el9_7.x86_64", KernelLockKind.Pin, "/etc/dnf/plugins/versionlock.list", "kernel-core-0:5.14.0-611.41.1.el9_7.*", true, "/"),
        Decision,
        new KernelUpdateGuard("/", HostFamily.RedHat,
            new[]
            {
                new GuardHookStatus(GuardHookKind.KernelInstallPlugin, "/etc/kernel/install.d/95-kmodps.install", true, true, true, "0.1.0"),
                new GuardHookStatus(GuardHookKind.DnfAction, "/etc/dnf/plugins/post-transaction-actions.d/kmodps.action", true, true, false, "0.0.9"),
            },
            "/usr/local/bin/kmodps", true, true, false, "/var/lib/kmodps/guard.json", "{}", DecisionTime.AddDays(-1), "5.14.0-611.41.1.el9_7.x86_64", Decision),
        new RepairResult("nvidia", "595.58.03", "5.14.0-611.45.1.el9_7.x86_64", ModuleProvider.KmodPackage, RepairOutcome.Failed, "kmod-nvidia-open-595.58.03-1.el9_7.x86_64",
            new[] { "dnf repoquery kmod-nvidia-open", "dnf install -y kmod-nvidia-open" }, 1, "not found", "/var/lib/dkms/nvidia/595.58.03/build/make.log", "error: x", "not in any enabled repository", Status, "/"),
    };

    [Fact]
    public void EveryModelACmdletDeclaresIsRoundTripped()
    {
        var declared = _ps.Run("Get-Command -Module KmodPS | ForEach-Object OutputType | ForEach-Object Type | Where-Object Namespace -eq 'KmodPS.Core.Models' | ForEach-Object FullName")
            .Output.Select(o => (string)o.BaseObject).ToHashSet();
        var covered = ((IEnumerable<object[]>)Outputs()).Select(row => row[0].GetType().FullName!).ToHashSet();
        Assert.Equal(declared.Order(), covered.Order());
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void DefaultDepthRoundTripKeepsEveryNestedValue(object output)
    {
        var result = _ps.Run(RoundTrip, new Dictionary<string, object?> { ["o"] = output });
        Assert.Empty(result.Errors);
        AssertSame(output, Assert.Single(result.Output), output.GetType().Name);
    }

    [Fact]
    public void DeserializedUpdateChecksStillNameTheirModules()
    {
        var root = Path.Combine(Path.GetTempPath(), "kmodps-serialization-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = _ps.Run(
                "$null = New-KmodTestRoot -Path $root -Scenario AlmaNvidiaKmodMissing; " +
                $"$copies = Test-KernelUpdate -Root $root -Detailed -Quiet | ForEach-Object {{ $o = $_; {RoundTrip} }}; " +
                "($copies | Format-Table | Out-String -Width 300); ($copies.Problems.Module | Sort-Object -Unique) -join ','",
                new Dictionary<string, object?> { ["root"] = root });
            Assert.Empty(result.Errors);
            Assert.Contains("nvidia, nvidia_drm, nvidia_modeset, nvidia_uvm", (string)result.Output[0].BaseObject);
            Assert.Equal("nvidia,nvidia_drm,nvidia_modeset,nvidia_uvm", result.Output[1].BaseObject);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }
    }

    [Fact]
    public void DeserializedKernelsStillGetTheTableView()
    {
        var root = RepoPaths.Fixture("roots", "alma-basic");
        var (exit, stdout, stderr) = RunnerProcess.Run(
            $"Get-InstalledKernel -Root '{root}' | ForEach-Object {{ [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) }}");
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"KernelVersion\s+Running\s+Default\s+Headers\s+Locked\s+Package", stdout);
        Assert.Contains("5.14.0-611.41.1.el9_7.x86_64", stdout);
    }

    /// <summary>Compares a model with its deserialized copy, property by property and element by element.</summary>
    private static void AssertSame(object? original, object? copy, string path)
    {
        var value = copy is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : copy;
        switch (original)
        {
            case null:
                Assert.True(value is null, $"{path}: expected null, got '{value}'");
                break;
            case Enum:
                Assert.True(original.ToString() == copy?.ToString(), $"{path}: expected {original}, got '{copy}'");
                break;
            case string or bool or int or DateTime:
                Assert.True(original.Equals(value), $"{path}: expected '{original}', got '{value}' ({value?.GetType().Name})");
                break;
            case Array array:
                var items = Assert.IsAssignableFrom<IEnumerable>(value).Cast<object?>().ToList();
                Assert.True(array.Length == items.Count, $"{path}: expected {array.Length} elements, got {items.Count}");
                for (var i = 0; i < array.Length; i++)
                {
                    AssertSame(array.GetValue(i), items[i], $"{path}[{i}]");
                }
                break;
            default:
                var type = original.GetType();
                Assert.True(copy is PSObject { BaseObject: PSCustomObject }, $"{path}: expected a deserialized {type.Name}, got '{value}' ({value?.GetType().Name})");
                var deserialized = (PSObject)copy!;
                Assert.Equal("Deserialized." + type.FullName, deserialized.TypeNames[0]);
                foreach (var property in type.GetProperties())
                {
                    Assert.True(deserialized.Properties[property.Name] is not null, $"{path}.{property.Name} lost");
                    AssertSame(property.GetValue(original), deserialized.Properties[property.Name].Value, $"{path}.{property.Name}");
                }
                break;
        }
    }
}
