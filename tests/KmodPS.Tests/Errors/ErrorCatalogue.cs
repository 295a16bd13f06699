using System.Collections;
using System.Reflection;
using KmodPS.Core.Diagnostics;
using System.Management.Automation.Language;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Errors;

/// <summary>tests/pester/ErrorCases.psd1, read with PowerShell's own parser (the file Pester's Import-PowerShellDataFile reads).</summary>
public static class ErrorCatalogue
{
    public static string FilePath => Path.Combine(RepoPaths.Root, "tests", "pester", "ErrorCases.psd1");

    /// <summary>Every id KmodPS has: the constants of <see cref="ErrorIds"/>.</summary>
    public static IReadOnlyList<string> KnownIds { get; } = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

    public static IReadOnlyList<ErrorCase> Cases => Read().Cases;

    public static IReadOnlyList<ElsewhereCase> Elsewhere => Read().Elsewhere;

    private static (List<ErrorCase> Cases, List<ElsewhereCase> Elsewhere) Read()
    {
        var ast = Parser.ParseFile(FilePath, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidDataException($"{FilePath}: {errors[0]}");
        }
        var data = (Hashtable)((HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)).SafeGetValue();
        var cases = Entries(data, "Cases").Select(h => new ErrorCase(Text(h, "Id")!, Text(h, "Scenario")!, Text(h, "Setup"), Text(h, "Command")!, Texts(h, "HostTools"))).ToList();
        var elsewhere = Entries(data, "Elsewhere").Select(h => new ElsewhereCase(Text(h, "Id")!, Text(h, "CoveredBy")!, Text(h, "Reason")!)).ToList();
        return (cases, elsewhere);
    }

    private static IEnumerable<Hashtable> Entries(Hashtable data, string key) => ((object[]?)data[key] ?? Array.Empty<object>()).Cast<Hashtable>();

    private static string? Text(Hashtable entry, string key) => entry[key]?.ToString();

    private static IReadOnlyList<string> Texts(Hashtable entry, string key) => entry[key] switch
    {
        null => Array.Empty<string>(),
        object[] values => values.Select(v => v.ToString()!).ToList(),
        var value => new[] { value.ToString()! },
    };
}

/// <summary>A case of the catalogue; one with <see cref="HostTools"/> runs one of those programs and is a lab case.</summary>
public sealed record ErrorCase(string Id, string Scenario, string? Setup, string Command, IReadOnlyList<string> HostTools)
{
    public override string ToString() => $"{Id}: {Command}";
}

/// <summary>An id a files-only root cannot provoke; <see cref="CoveredBy"/> names the xunit test (Class.Method) that does.</summary>
public sealed record ElsewhereCase(string Id, string CoveredBy, string Reason);
