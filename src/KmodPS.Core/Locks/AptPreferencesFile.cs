namespace KmodPS.Core.Locks;

/// <summary>
/// apt_preferences(5) stanzas (<c>Package</c>, <c>Pin</c>, <c>Pin-Priority</c>, <c>Explanation</c>), with the lines
/// each spans; a negative Pin-Priority keeps the matching versions from being installed.
/// </summary>
public static class AptPreferencesFile
{
    public const string MainPath = "/etc/apt/preferences";
    public const string Directory = "/etc/apt/preferences.d";

    /// <summary>The file KmodPS keeps its excludes in (apt reads files without extension or ending in <c>.pref</c>).</summary>
    public const string KmodPSPath = "/etc/apt/preferences.d/kmodps-kernel-exclude.pref";

    public static IReadOnlyList<AptPreference> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var stanzas = new List<AptPreference>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var first = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i] : string.Empty;
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    stanzas.Add(new AptPreference(fields.GetValueOrDefault("Package") ?? string.Empty, fields.GetValueOrDefault("Pin") ?? string.Empty,
                        int.TryParse(fields.GetValueOrDefault("Pin-Priority"), out var priority) ? priority : 0, fields.GetValueOrDefault("Explanation"), first, i - first));
                    fields.Clear();
                }
                first = -1;
                continue;
            }
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            if (first < 0)
            {
                first = i;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            fields[key] = key.Equals("Explanation", StringComparison.OrdinalIgnoreCase) && fields.TryGetValue(key, out var earlier) ? earlier + " " + value : value;
        }
        return stanzas;
    }

    /// <summary>The stanza KmodPS writes to keep every package of one kernel release out.</summary>
    public static string ExcludeStanza(string kernelVersion) =>
        $"Explanation: KmodPS Lock-Kernel -Exclude {kernelVersion}\nPackage: {ExcludePattern(kernelVersion)}\nPin: version *\nPin-Priority: -1\n";

    /// <summary>The glob matching every package of one release (<c>linux-*-6.1.0-57-amd64*</c>).</summary>
    public static string ExcludePattern(string kernelVersion) => $"linux-*-{kernelVersion}*";

    /// <summary>Appends a stanza, separated from earlier ones by one blank line.</summary>
    public static string Append(string text, string stanza)
    {
        if (text.Length == 0)
        {
            return stanza;
        }
        var body = text.EndsWith('\n') ? text : text + "\n";
        return body + (body.EndsWith("\n\n", StringComparison.Ordinal) ? string.Empty : "\n") + stanza;
    }

    /// <summary>Removes stanzas with the blank line that separates each from the previous one.</summary>
    public static string Remove(string text, IEnumerable<AptPreference> stanzas)
    {
        var lines = text.Split('\n').ToList();
        foreach (var stanza in stanzas.OrderByDescending(s => s.FirstLine))
        {
            var start = stanza.FirstLine;
            var count = Math.Min(stanza.LineCount, lines.Count - start);
            // Take the separating blank line (before, or after when the stanza is the first one).
            if (start > 0 && lines[start - 1].Trim().Length == 0)
            {
                start--;
                count++;
            }
            else if (start + count < lines.Count - 1 && lines[start + count].Trim().Length == 0)
            {
                count++;
            }
            lines.RemoveRange(start, count);
        }
        var result = string.Join('\n', lines);
        return result.Trim().Length == 0 ? string.Empty : result;
    }
}
