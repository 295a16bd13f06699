using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace KmodPS.Tests.Engine;

public sealed partial class DocsExamplesTests
{
    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in Directory.GetFiles(RepoPaths.Docs, "*.md").Order())
        {
            // Syntax blocks use help notation (<String[]>, [-Root]); only real code must parse.
            foreach (Match block in PowerShellBlock().Matches(File.ReadAllText(page)).Where(b => !b.Groups[1].Value.Contains("<CommonParameters>", StringComparison.Ordinal)))
            {
                data.Add(Path.GetFileName(page), block.Groups[1].Value);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryPowerShellBlockParses(string page, string code)
    {
        Parser.ParseInput(code, out _, out var errors);
        Assert.True(errors.Length == 0, $"{page}: {string.Join("; ", errors.Select(e => e.Message))}\n{code}");
    }

    [GeneratedRegex("```powershell\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PowerShellBlock();
}
