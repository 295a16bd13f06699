namespace KmodPS.Core.Packages;

/// <summary>
/// Reads dpkg's status file (<c>/var/lib/dpkg/status</c>) directly: RFC 822-style stanzas separated by blank lines,
/// one per package, with its selection (<c>Status: hold ok installed</c> means held) and its
/// <c>Pre-Depends</c>/<c>Depends</c> clauses.
/// </summary>
internal static class DpkgStatusFile
{
    public const string Path = "/var/lib/dpkg/status";

    /// <summary>Every stanza that names a package, whatever its state (a missing <c>Status</c> reads as <c>unknown ... not-installed</c>).</summary>
    public static IReadOnlyList<DpkgPackage> Parse(string text)
    {
        var packages = new List<DpkgPackage>();
        foreach (var fields in Stanzas(text))
        {
            if (!fields.TryGetValue("Package", out var name) || name.Length == 0)
            {
                continue;
            }
            var status = (fields.GetValueOrDefault("Status") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var requires = Clauses(fields.GetValueOrDefault("Pre-Depends")).Concat(Clauses(fields.GetValueOrDefault("Depends"))).ToList();
            packages.Add(new DpkgPackage(
                name,
                fields.GetValueOrDefault("Architecture"),
                fields.GetValueOrDefault("Version"),
                status.Length > 0 ? status[0] : "unknown",
                status.Length > 2 ? status[2] : "not-installed",
                requires));
        }
        return packages;
    }

    /// <summary>Packages that dpkg has on the system (installed, partly installed, or only their configuration files).</summary>
    public static IReadOnlyList<InstalledPackage> InstalledPackages(string text) =>
        Parse(text).Where(p => p.IsOnSystem).Select(p => p.ToInstalledPackage()).ToList();

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

    // Fields by name; a line starting with white space continues the previous field; a blank line ends the stanza.
    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (var line in text.Replace("\r", string.Empty).Split('\n').Append(string.Empty))
        {
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    yield return fields;
                    fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }
                current = null;
                continue;
            }
            if (char.IsWhiteSpace(line[0]))
            {
                if (current is not null)
                {
                    fields[current] += "\n" + line.Trim();
                }
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            current = line[..colon].Trim();
            fields[current] = line[(colon + 1)..].Trim();
        }
    }
}
