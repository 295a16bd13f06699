using System.Management.Automation;
using System.Text.Json;
using System.Text.RegularExpressions;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Guard;

/// <summary>The guard's output types survive remoting, and the runner's --json form is what the hooks parse.</summary>
public sealed class GuardOutputTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("kmodps-guard-out-");

    public void Dispose() => _temp.Delete(true);

    private static KernelGuardDecision Decision() => new("5.14.0-611.45.1.el9_7.x86_64", false, new[] { "nvidia (Missing)" }, GuardAction.RolledBack,
        "5.14.0-611.45.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64", "NotRequested", true, "moved", Now, "/");

    public static TheoryData<object> Outputs() => new()
    {
        Decision(),
        new GuardHookStatus(GuardHookKind.KernelInstallPlugin, "/etc/kernel/install.d/95-kmodps.install", true, true, true, "0.1.0"),
        new KernelUpdateGuard("/", HostFamily.RedHat, new[] { new GuardHookStatus(GuardHookKind.DnfAction, "/etc/dnf/plugins/post-transaction-actions.d/kmodps.action", false, false, false, null) },
            "/usr/local/bin/kmodps", true, false, true, "/var/lib/kmodps/guard.json", "{}", Now, "5.14.0-611.41.1.el9_7.x86_64", Decision()),
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void CliXmlRoundTripKeepsEveryProperty(object output)
    {
        var deserialized = (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(output, 3));
        Assert.Equal("Deserialized." + output.GetType().FullName, deserialized.TypeNames[0]);
        foreach (var property in output.GetType().GetProperties())
        {
            Assert.True(deserialized.Properties[property.Name] is not null, $"{property.Name} lost");
            var original = property.GetValue(output);
            var copy = deserialized.Properties[property.Name].Value;
            if (original is string or bool or DateTime)
            {
                Assert.Equal(original, copy is PSObject ps ? ps.BaseObject : copy);
            }
            else if (original is Enum)
            {
                Assert.Equal(original.ToString(), copy?.ToString());
            }
        }
    }

    [Fact]
    public void RunnerJsonCarriesTheSummaryLineTheHooksExtract()
    {
        var root = Path.Combine(_temp.FullName, "alma-basic");
        Shell.Stdout("cp", "-a", RepoPaths.Fixture("roots", "alma-basic"), root);
        var (exit, stdout, stderr) = RunnerProcess.Run("--json", $"Invoke-KernelUpdateGuard -KernelVersion 5.14.0-611.41.1.el9_7 -Root '{root}'");
        Assert.True(exit == 0, stderr);
        var item = Assert.Single(JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList());
        foreach (var name in new[] { "KernelVersion", "IsHealthy", "MissingModules", "Action", "DefaultBefore", "DefaultAfter", "LastHealthyKernel", "Repair", "Applied", "Summary", "Time", "Root" })
        {
            Assert.True(item.TryGetProperty(name, out _), $"{name} missing");
        }
        Assert.Equal(JsonValueKind.String, item.GetProperty("Action").ValueKind);
        // The hook's sed: s/^ *"Summary": "\(.*\)",\{0,1\}$/\1/p
        var line = Assert.Single(stdout.Split('\n'), l => Regex.IsMatch(l, "^ *\"Summary\": \".*\",?$"));
        Assert.Contains(item.GetProperty("Summary").GetString()!, line, StringComparison.Ordinal);
    }
}
