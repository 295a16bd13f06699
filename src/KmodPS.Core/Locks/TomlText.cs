using System.Text;

namespace KmodPS.Core.Locks;

/// <summary>The bits of TOML syntax libdnf5's versionlock.toml uses: comments, basic and literal strings, inline tables, bracket balance.</summary>
internal static class TomlText
{
    internal static Dictionary<string, string> ParseInlineTable(string body)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in SplitOutsideStrings(body, ','))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                values[pair[..equals].Trim().Trim('"')] = ParseString(pair[(equals + 1)..].Trim());
            }
        }
        return values;
    }

    /// <summary>Indexes of the characters outside TOML strings (quotes and string contents are skipped).</summary>
    internal static IEnumerable<int> OutsideStrings(string text)
    {
        var inString = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString != '\0')
            {
                if (c == '\\' && inString == '"')
                {
                    i++;
                }
                else if (c == inString)
                {
                    inString = '\0';
                }
                continue;
            }
            if (c is '"' or '\'')
            {
                inString = c;
                continue;
            }
            yield return i;
        }
    }

    internal static IEnumerable<string> SplitOutsideStrings(string text, char separator)
    {
        var start = 0;
        foreach (var i in OutsideStrings(text).Where(i => text[i] == separator))
        {
            yield return text[start..i];
            start = i + 1;
        }
        yield return text[start..];
    }

    internal static bool Balanced(string text) =>
        OutsideStrings(text).Sum(i => text[i] is '[' or '{' ? 1 : text[i] is ']' or '}' ? -1 : 0) <= 0;

    internal static string StripComment(string line)
    {
        foreach (var i in OutsideStrings(line))
        {
            if (line[i] == '#')
            {
                return line[..i];
            }
        }
        return line;
    }

    /// <summary>A TOML basic (<c>"..."</c>, with escapes) or literal (<c>'...'</c>) string; other values as written.</summary>
    internal static string ParseString(string value)
    {
        value = value.Trim();
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var builder = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] != '\\' || i + 1 >= value.Length - 1)
            {
                builder.Append(value[i]);
                continue;
            }
            var next = value[++i];
            switch (next)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'u' when i + 4 < value.Length:
                    builder.Append((char)Convert.ToInt32(value.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: builder.Append(next); break;
            }
        }
        return builder.ToString();
    }
}
