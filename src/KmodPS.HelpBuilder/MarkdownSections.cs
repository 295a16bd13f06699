namespace KmodPS.HelpBuilder;

/// <summary>Splits a markdown page into headed sections, keeping fenced code blocks intact.</summary>
internal static class MarkdownSections
{
    /// <summary>Sections headed by lines starting with <paramref name="marker"/> (for example "## ").</summary>
    public static List<(string Heading, List<string> Lines)> Split(IEnumerable<string> lines, string marker)
    {
        var sections = new List<(string, List<string>)>();
        var inFence = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            if (!inFence && line.StartsWith(marker, StringComparison.Ordinal))
            {
                sections.Add((line[marker.Length..].Trim(), new List<string>()));
            }
            else if (sections.Count > 0)
            {
                sections[^1].Item2.Add(line);
            }
        }
        return sections;
    }

    /// <summary>Paragraphs of plain text: blank-line separated, bullets kept as their own paragraphs, code fences dropped.</summary>
    public static List<string> Paragraphs(IEnumerable<string> lines)
    {
        var paragraphs = new List<string>();
        var current = new List<string>();
        var inFence = false;
        void Flush()
        {
            if (current.Count > 0)
            {
                paragraphs.Add(string.Join(' ', current));
                current.Clear();
            }
        }
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                Flush();
                continue;
            }
            if (inFence || line.Length == 0)
            {
                Flush();
                if (inFence)
                {
                    paragraphs.Add("    " + line);
                }
                continue;
            }
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                Flush();
            }
            current.Add(line.Trim());
        }
        Flush();
        return paragraphs;
    }

    /// <summary>The contents of the first fenced code block, or null.</summary>
    public static string? FirstCodeBlock(IEnumerable<string> lines)
    {
        var code = new List<string>();
        var inFence = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (inFence)
                {
                    return string.Join('\n', code);
                }
                inFence = true;
                continue;
            }
            if (inFence)
            {
                code.Add(line);
            }
        }
        return null;
    }
}
