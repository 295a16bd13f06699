namespace KmodPS.Core.Locks;

/// <summary>libzypp's locks file (<c>/etc/zypp/locks</c>, locks(5)): <c>attribute: value</c> lines, locks separated by blank lines.</summary>
public static class ZyppLocksFile
{
    public const string DefaultPath = "/etc/zypp/locks";
    public const string ConfigPath = "/etc/zypp/zypp.conf";

    public static IReadOnlyList<ZyppLock> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var locks = new List<ZyppLock>();
        var attributes = new List<KeyValuePair<string, string>>();
        var first = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].Trim() : string.Empty;
            var colon = line.IndexOf(':');
            if (line.StartsWith('#'))
            {
                continue;
            }
            if (line.Length == 0 || colon <= 0)
            {
                if (attributes.Count > 0)
                {
                    locks.Add(new ZyppLock(attributes, first, i - first));
                    attributes = new List<KeyValuePair<string, string>>();
                }
                first = -1;
                continue;
            }
            if (first < 0)
            {
                first = i;
            }
            attributes.Add(new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return locks;
    }

    /// <summary>The <c>locksfile.path</c> of zypp.conf (<c>[main]</c>), or null for the default.</summary>
    public static string? PathFromConfig(string configText)
    {
        foreach (var raw in configText.Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=');
            if (!line.StartsWith('#') && !line.StartsWith(';') && equals > 0 && line[..equals].Trim() == "locksfile.path")
            {
                var value = line[(equals + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }
        return null;
    }
}
