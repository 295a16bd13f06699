using System.Text.Json;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Runner;

/// <summary>The documented --json schema (docs/kmodps-json.schema.json) matches what the runner prints.</summary>
public sealed class JsonSchemaTests
{
    private static readonly JsonElement Definitions =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Docs, "kmodps-json.schema.json"))).RootElement.GetProperty("$defs");

    [Theory]
    [InlineData("InstalledKernel", "Get-InstalledKernel -Root {0}", "roots/alma-basic")]
    [InlineData("ModuleStatus", "$null = New-KmodTestRoot {0}/t -Scenario AlmaNvidiaKmodMissing; Get-KernelModuleStatus -Root {0}/t", "tmp")]
    [InlineData("KernelUpdateCheck", "$null = New-KmodTestRoot {0}/t -Scenario AlmaNvidiaBeforeUpdate; Test-KernelUpdate -Root {0}/t -Detailed -Quiet", "tmp")]
    [InlineData("KernelHost", "Get-KernelHost -Root {0}", "roots/alma-basic")]
    [InlineData("KernelUpdateGuard", "Get-KernelUpdateGuard -Root {0}", "roots/alma-basic")]
    [InlineData("RepairResult", "$null = New-KmodTestRoot {0}/t -Scenario DebianDkmsStale; Repair-KernelModule -Root {0}/t -WhatIf", "tmp")]
    public void RunnerJsonHasEverySchemaPropertyWithTheRightKind(string definition, string command, string fixture)
    {
        var directory = fixture == "tmp" ? Path.Combine(Path.GetTempPath(), "kmodps-json-" + Guid.NewGuid().ToString("N")) : RepoPaths.Fixture(fixture.Split('/'));
        var (exit, stdout, stderr) = RunnerProcess.Run("--json", string.Format(command, directory));
        if (fixture == "tmp")
        {
            Directory.Delete(directory, recursive: true);
        }
        Assert.True(exit == 0, stderr);
        var schema = Definitions.GetProperty(definition);
        var items = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            foreach (var required in schema.GetProperty("required").EnumerateArray())
            {
                Assert.True(item.TryGetProperty(required.GetString()!, out _), $"{definition}: {required} missing");
            }
            foreach (var property in item.EnumerateObject())
            {
                Assert.True(schema.GetProperty("properties").TryGetProperty(property.Name, out var spec), $"{definition}.{property.Name} is not in the schema");
                Assert.True(Allows(spec, property.Value), $"{definition}.{property.Name} = {property.Value} does not fit {spec}");
            }
        }
    }

    private static bool Allows(JsonElement spec, JsonElement value)
    {
        if (spec.TryGetProperty("$ref", out var reference))
        {
            return Allows(Definitions.GetProperty(reference.GetString()!.Split('/').Last()), value);
        }
        if (spec.TryGetProperty("enum", out var values))
        {
            return values.EnumerateArray().Any(v => v.GetString() == value.GetString());
        }
        var kinds = spec.GetProperty("type").ValueKind == JsonValueKind.Array
            ? spec.GetProperty("type").EnumerateArray().Select(t => t.GetString()).ToList()
            : new List<string?> { spec.GetProperty("type").GetString() };
        return value.ValueKind switch
        {
            JsonValueKind.String => kinds.Contains("string"),
            JsonValueKind.True or JsonValueKind.False => kinds.Contains("boolean"),
            JsonValueKind.Null => kinds.Contains("null"),
            JsonValueKind.Array => kinds.Contains("array"),
            JsonValueKind.Number => kinds.Contains("number") || kinds.Contains("integer"),
            _ => kinds.Contains("object"),
        };
    }
}
