namespace KmodPS.Core.Platform;

/// <summary>Parses os-release(5): shell-style KEY=value lines, values optionally quoted.</summary>
internal static class OsRelease
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            values[line[..equals]] = Unquote(line[(equals + 1)..]);
        }
        return values;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
        {
            value = value[1..^1];
        }
        return value.Replace("\\\"", "\"").Replace("\\$", "$").Replace("\\`", "`").Replace("\\\\", "\\");
    }
}
