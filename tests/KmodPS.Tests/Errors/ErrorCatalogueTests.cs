using System.Reflection;
using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Errors;

/// <summary>Every stable error id is catalogued, documented, and provoked by a test: a Pester case or a named xunit test.</summary>
public sealed partial class ErrorCatalogueTests
{
    private static readonly IReadOnlyList<string> Ids = ErrorCatalogue.KnownIds;

    [Fact]
    public void EachIdIsItsOwnName() =>
        Assert.All(typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static), f => Assert.Equal(f.Name, f.GetRawConstantValue()));

    [Fact]
    public void EveryIdIsProvokedExactlyOnceInThePesterCatalogue()
    {
        var catalogued = ErrorCatalogue.Cases.Select(c => c.Id).Concat(ErrorCatalogue.Elsewhere.Select(e => e.Id)).ToList();
        Assert.Equal(catalogued.Count, catalogued.Distinct().Count());
        Assert.Equal(Ids.Order(StringComparer.Ordinal), catalogued.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IdsProvokedElsewhereNameAnExistingTestWhoseFileMentionsTheId()
    {
        var tests = typeof(ErrorCatalogueTests).Assembly.GetTypes();
        Assert.All(ErrorCatalogue.Elsewhere, e =>
        {
            var (type, method) = (e.CoveredBy.Split('.')[0], e.CoveredBy.Split('.')[1]);
            var test = tests.SingleOrDefault(t => t.Name == type)?.GetMethod(method);
            Assert.True(test?.GetCustomAttributes<FactAttribute>().Any() == true, $"{e.Id}: no test {e.CoveredBy}");
            var source = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "KmodPS.Tests"), type + ".cs", SearchOption.AllDirectories).Single();
            Assert.Contains(e.Id, File.ReadAllText(source), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        });
    }

    [Fact]
    public void EachCaseIdIsListedInTheHelpOfTheCmdletThatRaisesIt() =>
        Assert.All(ErrorCatalogue.Cases, c =>
        {
            var cmdlet = c.Command.Split(' ')[0];
            Assert.Contains(c.Id, File.ReadAllText(Path.Combine(RepoPaths.Docs, cmdlet + ".md")), StringComparison.Ordinal);
        });

    [Fact]
    public void TheSourcesUseTheCatalogueNotStringLiterals()
    {
        var literals = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralId().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"));
        Assert.Empty(literals);
    }

    [Fact]
    public void TheAboutTopicExplainsEveryId()
    {
        var about = File.ReadAllText(Path.Combine(RepoPaths.Docs, "about_KmodPS_ErrorIds.md"));
        Assert.All(Ids, id => Assert.Matches($"(?m)^`{id}`: ", about));
    }

    // An id spelled as a literal next to its category: new Failure("SomeId", FailureCategory.X, ...).
    [GeneratedRegex("\"[A-Z][a-z]+(?:[A-Z][a-z]+)+\",\\s*FailureCategory\\.")]
    private static partial Regex LiteralId();
}
