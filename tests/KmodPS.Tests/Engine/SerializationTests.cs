using System.Management.Automation;
using KmodPS.Models;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Engine;

/// <summary>Objects must survive remoting: CliXml round trips keep every property and still get the module's views.</summary>
public sealed class SerializationTests
{
    public static TheoryData<object> Outputs() => new()
    {
        new InstalledKernel("6.1.0-56-amd64", "/", "/boot/vmlinuz-6.1.0-56-amd64", "/lib/modules/6.1.0-56-amd64", true, "/usr/src/linux-headers-6.1.0-56-amd64", true, "linux-image-6.1.0-56-amd64", true, "gnulinux-6.1.0-56-amd64-advanced-x"),
        new KernelHost("/", HostFamily.Debian, "debian", new[] { "debian" }, "12", "Debian GNU/Linux 12 (bookworm)", "6.1.0-56-amd64"),
        new ModuleStatus("nvidia", "595.58.03", "5.14.0-611.45.1.el9_7.x86_64", ModuleProvider.KmodPackage, ModuleState.Missing, "no package", null, null, null, null, null, null, null, null, false, true, "/"),
        new KernelUpdateCheck("5.14.0-611.45.1.el9_7.x86_64", UpdateSource.Repository,
            new[] { new KernelUpdateProblem("nvidia", ModuleProvider.KmodPackage, "kmod-nvidia-open for 5.14.0-611.45.1.el9_7 is not in any enabled repository", "Lock-Kernel -KernelVersion 5.14.0-611.41.1.el9_7 or wait") },
            "5.14.0-611.41.1.el9_7.x86_64", false, "/"),
        new KernelLock("kernel-core", "0:5.14.0-611.41.1.el9_7.*", "5.14.0-611.41.1.el9_7.x86_64", KernelLockKind.Pin, "/etc/dnf/plugins/versionlock.list", "kernel-core-0:5.14.0-611.41.1.el9_7.*", true, "/"),
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void CliXmlRoundTripKeepsEveryProperty(object output)
    {
        var deserialized = (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(output, 3));
        Assert.Equal("Deserialized." + output.GetType().FullName, deserialized.TypeNames[0]);
        foreach (var property in output.GetType().GetProperties())
        {
            var original = property.GetValue(output);
            var copy = deserialized.Properties[property.Name]?.Value;
            Assert.True(deserialized.Properties[property.Name] is not null, $"{property.Name} lost");
            switch (original)
            {
                case null:
                    Assert.Null(copy);
                    break;
                case Array array:
                    Assert.Equal(array.Length, ((System.Collections.IEnumerable)PSObject.AsPSObject(copy).BaseObject).Cast<object>().Count());
                    break;
                case Enum:
                    Assert.Equal(original.ToString(), copy?.ToString());
                    break;
                default:
                    Assert.Equal(original, copy is PSObject ps ? ps.BaseObject : copy);
                    break;
            }
        }
    }

    [Fact]
    public void DeserializedKernelsStillGetTheTableView()
    {
        var root = RepoPaths.Fixture("roots", "alma-basic");
        var (exit, stdout, stderr) = RunnerProcess.Run(
            $"[System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize(@(Get-InstalledKernel -Root '{root}'), 3))");
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"KernelVersion\s+Running\s+Default\s+Headers\s+Locked\s+Package", stdout);
        Assert.Contains("5.14.0-611.41.1.el9_7.x86_64", stdout);
    }
}
