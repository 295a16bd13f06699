using System.Text;

namespace KmodPS.Core.Locks;

/// <summary>
/// Reads dnf 5's <c>/etc/dnf/versionlock.toml</c> (<c>version = "1.0"</c>, <c>[[packages]]</c> with <c>name</c>,
/// <c>comment</c> and <c>[[packages.conditions]]</c> or an inline <c>conditions = [{...}]</c> array) and removes
/// whole entries by line range. Only the subset of TOML that libdnf5 writes is understood.
/// </summary>
public static class VersionlockTomlFile
{
    public const string DefaultPath = "/etc/dnf/versionlock.toml";

    public static IReadOnlyList<VersionlockTomlPackage> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var packages = new List<VersionlockTomlPackage>();
        string? name = null;
        string? comment = null;
        List<VersionlockCondition> conditions = new();
        Dictionary<string, string>? condition = null;
        var first = -1;
        var section = string.Empty;

        void FlushCondition()
        {
            if (condition is not null)
            {
                conditions.Add(ToCondition(condition));
                condition = null;
            }
        }

        void FlushPackage(int end)
        {
            FlushCondition();
            if (first >= 0 && name is not null)
            {
                packages.Add(new VersionlockTomlPackage(name, comment, conditions, first, end - first));
            }
            name = null;
            comment = null;
            conditions = new List<VersionlockCondition>();
            first = -1;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = TomlText.StripComment(lines[i]).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("[[", StringComparison.Ordinal))
            {
                section = line.Trim('[', ']', ' ');
                if (section == "packages")
                {
                    FlushPackage(StartOfBlock(lines, i));
                    first = StartOfBlock(lines, i);
                }
                else if (section == "packages.conditions")
                {
                    FlushCondition();
                    condition = new Dictionary<string, string>(StringComparer.Ordinal);
                }
                continue;
            }
            if (line.StartsWith('['))
            {
                FlushPackage(StartOfBlock(lines, i));
                section = line.Trim('[', ']', ' ');
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var key = line[..equals].Trim().Trim('"');
            var value = line[(equals + 1)..].Trim();
            if (section == "packages.conditions" && condition is not null)
            {
                condition[key] = TomlText.ParseString(value);
            }
            else if (section == "packages" && first >= 0)
            {
                switch (key)
                {
                    case "name":
                        name = TomlText.ParseString(value);
                        break;
                    case "comment":
                        comment = TomlText.ParseString(value);
                        break;
                    case "conditions":
                        var inline = new StringBuilder(value);
                        while (!TomlText.Balanced(inline.ToString()) && i + 1 < lines.Length)
                        {
                            inline.Append(' ').Append(TomlText.StripComment(lines[++i]).Trim());
                        }
                        conditions.AddRange(ParseInlineConditions(inline.ToString()));
                        break;
                }
            }
        }
        FlushPackage(lines.Length);
        return packages;
    }

    /// <summary>Removes whole <c>[[packages]]</c> entries (their line ranges); the rest of the text is kept byte for byte.</summary>
    public static string Remove(string text, IEnumerable<VersionlockTomlPackage> packages)
    {
        var lines = text.Split('\n').ToList();
        foreach (var package in packages.OrderByDescending(p => p.FirstLine))
        {
            var count = Math.Min(package.LineCount, lines.Count - package.FirstLine);
            lines.RemoveRange(package.FirstLine, count);
        }
        return string.Join('\n', lines);
    }

    // A block starts at its header; comment lines directly above a header belong to it.
    private static int StartOfBlock(string[] lines, int header)
    {
        var start = header;
        while (start > 0 && lines[start - 1].TrimStart().StartsWith('#'))
        {
            start--;
        }
        return start;
    }

    private static VersionlockCondition ToCondition(IReadOnlyDictionary<string, string> values) =>
        new(values.GetValueOrDefault("key") ?? string.Empty, values.GetValueOrDefault("comparator") ?? string.Empty, values.GetValueOrDefault("value") ?? string.Empty);

    private static IEnumerable<VersionlockCondition> ParseInlineConditions(string value)
    {
        var depth = 0;
        var start = -1;
        foreach (var i in TomlText.OutsideStrings(value))
        {
            if (value[i] == '{')
            {
                depth++;
                start = i + 1;
            }
            else if (value[i] == '}' && depth > 0)
            {
                depth--;
                yield return ToCondition(TomlText.ParseInlineTable(value[start..i]));
            }
        }
    }
}
