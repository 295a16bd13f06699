using System.Text.RegularExpressions;

namespace KmodPS.Core.Locks;

/// <summary>The dnf 4 versionlock.list: lock lines, comments (<c>#</c>) and blank lines, as the plugin reads it.</summary>
public static class VersionlockListFile
{
    public const string DefaultPath = "/etc/dnf/plugins/versionlock.list";
    public const string ConfigPath = "/etc/dnf/plugins/versionlock.conf";

    /// <summary>The lock lines (comments and blank lines skipped, like the plugin's <c>_read_locklist</c>).</summary>
    public static IReadOnlyList<VersionlockListEntry> Parse(string text) =>
        text.Split('\n')
            .Where(l => !l.StartsWith('#') && l.Trim().Length > 0)
            .Select(VersionlockListEntry.Parse)
            .ToList();

    /// <summary>
    /// Removes every copy of the given lock lines, as <c>versionlock delete</c> does (the plugin strips the blanks
    /// around a line, so a padded copy is the same lock). The plugin appends <c>"\n# Added lock on DATE\n" + line + "\n"</c>
    /// (or <c># Added exclude on</c>); when a line is the last one under such a comment, that whole block goes, so
    /// removing what <c>versionlock add</c> appended gives back the file's previous bytes. Everything else stays as it is.
    /// </summary>
    public static string Remove(string text, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var escaped = Regex.Escape(line);
            var block = new Regex(@"\n# Added (?:lock|exclude) on [^\n]*\n[^\S\n]*" + escaped + @"[^\S\n]*(?:\n(?=\n|#|\z)|\z)");
            var single = new Regex(@"(?<=^|\n)[^\S\n]*" + escaped + @"[^\S\n]*(?:\n|\z)");
            while (true)
            {
                var match = block.Match(text);
                if (!match.Success)
                {
                    match = single.Match(text);
                }
                if (!match.Success)
                {
                    break;
                }
                text = text.Remove(match.Index, match.Length);
            }
        }
        return text;
    }

    /// <summary>The <c>locklist</c> path of a versionlock.conf (INI <c>[main]</c>), or null.</summary>
    public static string? LocklistFromConfig(string configText)
    {
        var inMain = false;
        foreach (var raw in configText.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inMain = line == "[main]";
                continue;
            }
            var equals = line.IndexOf('=');
            if (inMain && equals > 0 && line[..equals].Trim() == "locklist")
            {
                var value = line[(equals + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }
        return null;
    }
}
