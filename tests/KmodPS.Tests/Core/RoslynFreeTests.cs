using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Core;

/// <summary>The module is dlls plus psd1/ps1xml/help: no runtime compilation anywhere in it.</summary>
public sealed class RoslynFreeTests
{
    [Fact]
    public void NoSourceOrModuleFileUsesAddTypeOrRoslyn()
    {
        var offenders = new[] { "src", "module" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
            .Where(f => new[] { ".cs", ".csproj", ".ps1", ".psm1", ".psd1", ".ps1xml", ".props", ".targets" }.Contains(Path.GetExtension(f)))
            .Where(f =>
            {
                var text = File.ReadAllText(f);
                return text.Contains("Add-Type", StringComparison.OrdinalIgnoreCase) || text.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal);
            })
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void NoBuiltModuleAssemblyReferencesRoslyn()
    {
        var binaries = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "module", "bin"), "*.dll").ToList();
        Assert.NotEmpty(binaries);
        Assert.DoesNotContain(binaries, b => Path.GetFileName(b).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        foreach (var binary in binaries)
        {
            using var stream = File.OpenRead(binary);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            var names = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name));
            Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheModuleDoesNotShipTheEngine() =>
        Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "module", "bin", "System.Management.Automation.dll")));
}
