using KmodPS.Core.Modules;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class ModuleReaderLabTests
{
    private static readonly string[] ComparedFields = { "name", "vermagic", "version", "srcversion", "intree", "signer", "sig_key", "sig_hashalgo" };

    private readonly LabWorlds _lab;
    private readonly ITestOutputHelper _output;

    public ModuleReaderLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
    }

    [LabFact]
    public void ReaderAgreesWithRealModinfoOnEveryLabModule()
    {
        var files = Directory.EnumerateFiles(LabEnvironment.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => ModuleFileReader.IsModuleFileName(Path.GetFileName(f)) && !f.Contains("/cache/", StringComparison.Ordinal))
            // kmod is built without zlib on Debian: modinfo cannot read .ko.gz, so those have no oracle.
            .Where(f => !f.EndsWith(".gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count > 3000, $"expected the extracted Debian kernel's modules in the lab, found {files.Count} module files");
        var oracle = ModinfoOracle.Read(files);
        var mismatches = new List<string>();
        var signed = 0;
        foreach (var file in files)
        {
            var ours = ModuleFileReader.Read(file, file);
            var theirs = oracle[file];
            signed += ours.Signature is null ? 0 : 1;
            foreach (var field in ComparedFields)
            {
                var expected = theirs.GetValueOrDefault(field);
                var actual = field switch
                {
                    "signer" => ours.Signature?.Signer,
                    "sig_key" => ours.Signature?.KeyId,
                    "sig_hashalgo" => ours.Signature?.HashAlgorithm,
                    _ => ours.Field(field),
                };
                if (!string.Equals(expected ?? string.Empty, actual ?? string.Empty, StringComparison.Ordinal))
                {
                    mismatches.Add($"{file}: {field} modinfo='{expected}' kmodps='{actual}'");
                }
            }
        }
        _output.WriteLine($"Compared {files.Count} modules ({signed} signed) with the real modinfo on {ComparedFields.Length} fields each.");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
        Assert.True(signed > 3000, $"expected signed Debian modules, found {signed}");
    }

    [LabFact]
    public void SymbolVersionsAgreeWithModprobeDumpModversions()
    {
        // Every 40th module of the extracted Debian kernels (hundreds), and every compressed one.
        var files = Directory.EnumerateFiles(LabEnvironment.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => ModuleFileReader.IsModuleFileName(Path.GetFileName(f)) && !f.Contains("/cache/", StringComparison.Ordinal) && !f.EndsWith(".gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Where((f, i) => i % 40 == 0 || !f.EndsWith(".ko", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 500, $"expected the extracted Debian kernel's modules in the lab, found {files.Count}");
        var mismatches = new List<string>();
        var symbols = 0;
        foreach (var file in files)
        {
            var expected = Shell.Stdout("modprobe", "--dump-modversions", file).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('\t')).ToDictionary(p => p[1], p => Convert.ToUInt32(p[0], 16));
            var actual = ModuleFileReader.ReadModVersions(file);
            symbols += actual.Count;
            if (!expected.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(actual.OrderBy(p => p.Key, StringComparer.Ordinal)))
            {
                mismatches.Add($"{file}: modprobe lists {expected.Count} symbol versions, KmodPS {actual.Count}");
            }
        }
        _output.WriteLine($"Compared the symbol versions of {files.Count} modules ({symbols} symbols) with modprobe --dump-modversions.");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
        Assert.True(symbols > 10000, $"expected modversions in the Debian modules, found {symbols} symbols");
    }
}
