using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Core;

/// <summary>
/// The module ships only its own two assemblies: Newtonsoft.Json is compiled against (13.0.3, what pwsh 7.4 ships) and
/// bound at run time to the copy the engine has loaded, whatever 13.x that is.
/// </summary>
public sealed class ModuleDependencyTests
{
    private static readonly string Bin = Path.Combine(RepoPaths.Root, "module", "bin");

    [Fact]
    public void ModuleBinHoldsOnlyTheModulesOwnAssemblies()
    {
        Assert.Equal(new[] { "KmodPS.Core.dll", "KmodPS.dll" }, Directory.EnumerateFiles(Bin, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(Bin, "Newtonsoft.Json.dll")));
    }

    [Fact]
    public void CoreReferencesNewtonsoftJson13AndNotSystemTextJson()
    {
        var core = References("KmodPS.Core.dll");
        var newtonsoft = Assert.Single(core, r => r.Name == "Newtonsoft.Json");
        Assert.Equal(new Version(13, 0, 0, 0), newtonsoft.Version);
        Assert.Equal("30ad4fe6b2a6aeed", newtonsoft.PublicKeyToken);
        Assert.DoesNotContain(core, r => r.Name == "System.Text.Json");
        Assert.DoesNotContain(References("KmodPS.dll"), r => r.Name is "Newtonsoft.Json" or "System.Text.Json");
    }

    [Fact]
    public void TheModuleLoadedByTheRunnerUsesTheEnginesNewtonsoftJson()
    {
        // The runner does not reference KmodPS.Core: Import-Module loads it from module/bin, and its reference to
        // Newtonsoft.Json must bind to the runner's (the engine's) copy. The test root's answer file is written and read on the way.
        var root = Path.Combine(Path.GetTempPath(), "kmodps-newtonsoft-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = RunnerProcess.Run("--json", $$"""
                $null = New-KmodTestRoot '{{root}}' -Scenario AlmaNvidiaKmodMissing
                $null = Get-InstalledKernel -Root '{{root}}' -ErrorAction Stop
                [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'Newtonsoft.Json', 'KmodPS.Core' } |
                    ForEach-Object { [pscustomobject]@{ Name = $_.GetName().Name; Location = $_.Location } }
                """);
            Assert.True(exit == 0, stderr);
            var loaded = JsonDocument.Parse(stdout).RootElement.EnumerateArray()
                .Select(e => (Name: e.GetProperty("Name").GetString(), Location: e.GetProperty("Location").GetString()!)).ToList();
            Assert.Equal(Path.Combine(Bin, "KmodPS.Core.dll"), Assert.Single(loaded, a => a.Name == "KmodPS.Core").Location);
            Assert.Equal(Path.Combine(Path.GetDirectoryName(RunnerProcess.RunnerDll)!, "Newtonsoft.Json.dll"), Assert.Single(loaded, a => a.Name == "Newtonsoft.Json").Location);
            Assert.Contains("\"scenario\": \"AlmaNvidiaKmodMissing\"", File.ReadAllText(Path.Combine(root, "var/lib/kmodps/testroot.json")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static List<(string Name, Version Version, string PublicKeyToken)> References(string assembly)
    {
        using var stream = File.OpenRead(Path.Combine(Bin, assembly));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h))
            .Select(r => (reader.GetString(r.Name), r.Version, Convert.ToHexString(reader.GetBlobBytes(r.PublicKeyOrToken)).ToLowerInvariant()))
            .ToList();
    }
}
