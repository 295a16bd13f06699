using System.Text;

namespace KmodPS.Core.Boot;

/// <summary>
/// Reads <c>KEY=value</c> assignments from shell fragments such as <c>/etc/default/grub</c> without running them.
/// A value that needs the shell (command substitution, variable expansion) is reported as not static.
/// </summary>
internal static class ShellAssignment
{
    /// <summary>The last assignment of <paramref name="key"/> in the text, or null.</summary>
    public static ShellValue? FindLast(string text, string key)
    {
        ShellValue? found = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }
            if (!line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                continue;
            }
            found = ParseValue(line[(key.Length + 1)..]);
        }
        return found;
    }

    private static ShellValue ParseValue(string raw)
    {
        var value = new StringBuilder();
        var isStatic = true;
        var i = 0;
        while (i < raw.Length && !char.IsWhiteSpace(raw[i]) && raw[i] != ';')
        {
            var c = raw[i];
            if (c == '\'')
            {
                var end = raw.IndexOf('\'', i + 1);
                end = end < 0 ? raw.Length : end;
                value.Append(raw, i + 1, end - i - 1);
                i = end + 1;
                continue;
            }
            if (c == '"')
            {
                i++;
                while (i < raw.Length && raw[i] != '"')
                {
                    if (raw[i] == '\\' && i + 1 < raw.Length && "$`\"\\".Contains(raw[i + 1]))
                    {
                        i++;
                    }
                    else if (raw[i] is '$' or '`')
                    {
                        isStatic = false;
                    }
                    value.Append(raw[i]);
                    i++;
                }
                i++;
                continue;
            }
            if (c == '\\' && i + 1 < raw.Length)
            {
                value.Append(raw[i + 1]);
                i += 2;
                continue;
            }
            if (c is '$' or '`' or '(')
            {
                isStatic = false;
            }
            value.Append(c);
            i++;
        }
        return new ShellValue(value.ToString(), isStatic);
    }
}
