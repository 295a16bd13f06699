using System.Text;

namespace KmodPS.Removal;

/// <summary>
/// Reads dpkg's status file (<c>/var/lib/dpkg/status</c>) directly: one stanza per package, with its selection
/// (<c>Status: hold ok installed</c> means held) and its <c>Depends</c>/<c>Pre-Depends</c> clauses.
/// </summary>
public static class DpkgStatusFile
{
    public const string Path = "/var/lib/dpkg/status";

    private static readonly string[] Present = { "installed", "half-installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending", "config-files" };

    /// <summary>Packages that dpkg has on the system (installed, partly installed, or only their configuration files).</summary>
    public static IReadOnlyList<InstalledPackage> Parse(string text)
    {
        var packages = new List<InstalledPackage>();
        foreach (var stanza in Stanzas(text))
        {
            if (!stanza.TryGetValue("Package", out var name) || !stanza.TryGetValue("Status", out var status))
            {
                continue;
            }
            var words = status.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 3 || !Present.Contains(words[2]))
            {
                continue;
            }
            var requires = Clauses(stanza.GetValueOrDefault("Pre-Depends")).Concat(Clauses(stanza.GetValueOrDefault("Depends"))).ToList();
            packages.Add(new InstalledPackage(name, null, stanza.GetValueOrDefault("Version") ?? string.Empty, null, stanza.GetValueOrDefault("Architecture"),
                requires, IsHeld: words[0] == "hold"));
        }
        return packages;
    }

    /// <summary>Splits <c>a (&gt;= 1) | b:any, c</c> into clauses of bare package names.</summary>
    public static IEnumerable<PackageRequirement> Clauses(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield break;
        }
        foreach (var clause in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var names = clause.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => a.Split(new[] { ' ', '(', '[', '<' }, 2)[0].Split(':')[0])
                .Where(n => n.Length > 0)
                .ToList();
            if (names.Count > 0)
            {
                yield return PackageRequirement.Debian(names);
            }
        }
    }

    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        var value = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                if (current.Count > 0)
                {
                    yield return current;
                }
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                value.Append('\n').Append(line.Trim());
                continue;
            }
            Flush();
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            key = line[..colon];
            value.Clear().Append(line[(colon + 1)..].Trim());
        }
        Flush();
        if (current.Count > 0)
        {
            yield return current;
        }

        void Flush()
        {
            if (key is not null)
            {
                current[key] = value.ToString();
                key = null;
            }
        }
    }
}
