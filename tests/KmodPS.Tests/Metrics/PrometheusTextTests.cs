using System.Globalization;
using System.Text.RegularExpressions;
using KmodPS.Core.Metrics;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Metrics;

public sealed partial class PrometheusTextTests
{
    [Fact]
    public void OutputFollowsTheTextFormatRules()
    {
        var rows = new[]
        {
            Row("nvidia", "5.14.0-611.41.1.el9_7.x86_64", ModuleState.Installed),
            Row("nvidia", "5.14.0-611.45.1.el9_7.x86_64", ModuleState.Missing),
            Row("odd\"name\\with\nnewline", "6.1.0-56-amd64", ModuleState.Stale),
        };
        var text = PrometheusText.Write(KmodMetrics.From(rows, "5.14.0-611.45.1.el9_7.x86_64", false, 2));
        var series = Parse(text);
        Assert.Equal(1.0, series["kmodps_module_state{kernel=\"5.14.0-611.45.1.el9_7.x86_64\",module=\"nvidia\",provider=\"KmodPackage\",state=\"Missing\"}"]);
        Assert.Equal(0.0, series["kmodps_next_boot_ready{kernel=\"5.14.0-611.45.1.el9_7.x86_64\"}"]);
        Assert.Equal(0.0, series["kmodps_update_ready"]);
        Assert.Equal(2.0, series["kmodps_locked_kernels"]);
        Assert.Contains("module=\"odd\\\"name\\\\with\\nnewline\"", text);
    }

    [Fact]
    public void UnknownNextBootIsNaN()
    {
        var series = Parse(PrometheusText.Write(KmodMetrics.From(Array.Empty<ModuleStatus>(), null, null, null)));
        Assert.True(double.IsNaN(series["kmodps_next_boot_ready{kernel=\"\"}"]));
        Assert.False(series.ContainsKey("kmodps_update_ready"));
        Assert.False(series.ContainsKey("kmodps_held_back_kernels"));
    }

    [Fact]
    public void HeldBackKernelsAreCountedWhenTheUpdateWasChecked()
    {
        var series = Parse(PrometheusText.Write(KmodMetrics.From(Array.Empty<ModuleStatus>(), null, true, 1, 2)));
        Assert.Equal(2.0, series["kmodps_held_back_kernels"]);
    }

    [Fact]
    public void TheCmdletWritesAParsableFileAtomically()
    {
        using var ps = new PowerShellSession();
        var file = Path.Combine(Path.GetTempPath(), $"kmodps-{Guid.NewGuid():N}.prom");
        try
        {
            var result = ps.Run("Export-KernelModuleMetrics -Root $root -SkipUpdateCheck -Path $file -WarningAction SilentlyContinue",
                new Dictionary<string, object?> { ["root"] = RepoPaths.Fixture("roots", "alma-basic"), ["file"] = file });
            Assert.Empty(result.Errors);
            var series = Parse(File.ReadAllText(file));
            Assert.Contains(series.Keys, k => k.StartsWith("kmodps_next_boot_ready", StringComparison.Ordinal));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(file)}.kmodps-*"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A strict reader of the exposition format: fails the test on any rule violation.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var typed = new Dictionary<string, string>();
        var helped = new HashSet<string>();
        var series = new Dictionary<string, double>();
        var seenSamplesOf = new HashSet<string>();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var name = line.Split(' ')[2];
                Assert.Matches(MetricName(), name);
                Assert.True(helped.Add(name), $"second HELP for {name}");
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(seenSamplesOf.Contains(parts[2]), $"TYPE after samples of {parts[2]}");
                Assert.True(typed.TryAdd(parts[2], parts[3]), $"second TYPE for {parts[2]}");
                continue;
            }
            Assert.False(line.StartsWith('#'), "unknown comment form: " + line);
            var match = Sample().Match(line);
            Assert.True(match.Success, "not a valid sample line: " + line);
            var metric = match.Groups["name"].Value;
            Assert.True(typed.ContainsKey(metric), $"sample of {metric} before its TYPE");
            seenSamplesOf.Add(metric);
            var value = match.Groups["value"].Value switch
            {
                "NaN" => double.NaN,
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var key = metric + match.Groups["labels"].Value;
            Assert.True(series.TryAdd(key, value), "duplicate series " + key);
        }
        return series;
    }

    private static ModuleStatus Row(string name, string kernel, ModuleState state) =>
        new(name, null, kernel, ModuleProvider.KmodPackage, state, "reason", null, null, null, null, null, null, null, null, false, false, "/");

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"",?)*\})? (?<value>NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)(?: -?[0-9]+)?$")]
    private static partial Regex Sample();
}
