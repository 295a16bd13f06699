using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Errors;

/// <summary>The Pester files cannot run here (no pwsh, no Pester), so their syntax and the ids they expect are checked.</summary>
public sealed partial class PesterFilesTests
{
    public static TheoryData<string> PesterFiles() =>
        new(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "pester"), "*.ps*1").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(PesterFiles))]
    public void ParsesWithoutErrors(string file)
    {
        Parser.ParseFile(Path.Combine(RepoPaths.Root, "tests", "pester", file), out _, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"));
    }

    [Theory]
    [MemberData(nameof(PesterFiles))]
    public void ExpectsOnlyIdsKmodPSHas(string file)
    {
        var ids = ErrorCatalogue.KnownIds.ToHashSet(StringComparer.Ordinal);
        var expected = ExpectedId().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "pester", file))).Select(m => m.Groups[1].Value);
        Assert.All(expected, id => Assert.Contains(id, ids));
    }

    [GeneratedRegex(@"-ErrorId\s+'([A-Za-z]+),")]
    private static partial Regex ExpectedId();
}
