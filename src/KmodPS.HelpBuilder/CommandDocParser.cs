namespace KmodPS.HelpBuilder;

/// <summary>
/// Reads a cmdlet page of docs/: <c># Name</c>, then <c>## Synopsis</c>, <c>## Syntax</c>, <c>## Description</c>,
/// <c>## Parameters</c> (<c>### -Name</c> with text and <c>- Key: value</c> facts), <c>## Examples</c> (<c>### Title</c>,
/// a code block, remarks), <c>## Inputs</c>, <c>## Outputs</c> (<c>### Type</c>), <c>## Notes</c>, <c>## Related links</c>.
/// </summary>
internal static class CommandDocParser
{
    public static CommandDoc Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new FormatException("The page has no '# Name' title.");
        var sections = MarkdownSections.Split(lines, "## ").ToDictionary(s => s.Heading, s => s.Lines, StringComparer.OrdinalIgnoreCase);
        List<string> Section(string name) => sections.TryGetValue(name, out var body) ? body : new List<string>();
        return new CommandDoc(
            title[2..].Trim(),
            string.Join(' ', MarkdownSections.Paragraphs(Section("Synopsis"))),
            MarkdownSections.Paragraphs(Section("Description")),
            MarkdownSections.Split(Section("Parameters"), "### ").Select(p => ParseParameter(p.Heading, p.Lines)).ToList(),
            MarkdownSections.Split(Section("Examples"), "### ").Select(e => ParseExample(e.Heading, e.Lines)).ToList(),
            ParseTypes(Section("Inputs")),
            ParseTypes(Section("Outputs")),
            MarkdownSections.Paragraphs(Section("Notes")),
            Section("Related links").Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(LinkText).ToList());
    }

    private static ParameterDoc ParseParameter(string heading, List<string> lines)
    {
        var facts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var description = new List<string>();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            if (line.StartsWith("- ", StringComparison.Ordinal) && colon > 2 && IsFact(line[2..colon]))
            {
                facts[line[2..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            else
            {
                description.Add(line);
            }
        }
        string Fact(string key, string fallback) => facts.TryGetValue(key, out var v) ? v : fallback;
        return new ParameterDoc(
            heading.TrimStart('-'),
            MarkdownSections.Paragraphs(description),
            Fact("Type", "String"),
            bool.Parse(Fact("Required", "false")),
            Fact("Position", "named"),
            Fact("Pipeline input", "False"),
            bool.Parse(Fact("Wildcards", "false")),
            Fact("Default", "None"),
            Fact("Sets", "(All)").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool IsFact(string key) =>
        new[] { "Type", "Required", "Position", "Pipeline input", "Wildcards", "Default", "Sets" }.Contains(key.Trim(), StringComparer.OrdinalIgnoreCase);

    private static ExampleDoc ParseExample(string heading, List<string> lines)
    {
        var code = MarkdownSections.FirstCodeBlock(lines) ?? throw new FormatException($"Example '{heading}' has no code block.");
        var afterCode = lines.SkipWhile(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal)).Skip(1)
            .SkipWhile(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal)).Skip(1);
        return new ExampleDoc(heading, code, MarkdownSections.Paragraphs(afterCode));
    }

    private static List<TypeDoc> ParseTypes(List<string> lines) =>
        MarkdownSections.Split(lines, "### ").Select(t => new TypeDoc(t.Heading, MarkdownSections.Paragraphs(t.Lines))).ToList();

    private static string LinkText(string line)
    {
        var text = line[2..].Trim();
        var open = text.IndexOf('[');
        var close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : text;
    }
}
