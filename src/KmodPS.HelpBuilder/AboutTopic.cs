namespace KmodPS.HelpBuilder;

/// <summary>Turns an about_*.md page into the plain-text layout of about_*.help.txt topics.</summary>
internal static class AboutTopic
{
    public static string ToText(string markdown)
    {
        var lines = markdown.Replace("\r", string.Empty).Split('\n')
            .Where(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal))
            .Select(l => l.StartsWith('#') ? l.TrimStart('#').Trim().ToUpperInvariant() : (l.Length > 0 ? "    " + l : l));
        return string.Join('\n', lines).TrimEnd() + "\n";
    }
}
