namespace KmodPS.Locks;

/// <summary>Parses dpkg's status file (<c>/var/lib/dpkg/status</c>): RFC 822-style stanzas separated by blank lines.</summary>
public static class DpkgStatusParser
{
    public const string StatusPath = "/var/lib/dpkg/status";

    public static IReadOnlyList<DpkgPackage> Parse(string text)
    {
        var packages = new List<DpkgPackage>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (var rawLine in text.Replace("\r", string.Empty).Split('\n').Append(string.Empty))
        {
            if (rawLine.Trim().Length == 0)
            {
                Flush(fields, packages);
                fields.Clear();
                current = null;
                continue;
            }
            if (char.IsWhiteSpace(rawLine[0]))
            {
                if (current is not null)
                {
                    fields[current] += "\n" + rawLine.Trim();
                }
                continue;
            }
            var colon = rawLine.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            current = rawLine[..colon].Trim();
            fields[current] = rawLine[(colon + 1)..].Trim();
        }
        return packages;
    }

    /// <summary>The package names of a Depends/Pre-Depends value (alternatives included, versions and arch qualifiers dropped).</summary>
    public static IReadOnlyList<string> DependencyNames(string? value) =>
        (value ?? string.Empty).Split(new[] { ',', '|' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(new[] { ' ', '(', '[' }, 2)[0].Split(':')[0])
            .Where(n => n.Length > 0)
            .ToList();

    private static void Flush(Dictionary<string, string> fields, List<DpkgPackage> packages)
    {
        if (!fields.TryGetValue("Package", out var name) || name.Length == 0)
        {
            return;
        }
        var status = (fields.GetValueOrDefault("Status") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var depends = DependencyNames(fields.GetValueOrDefault("Depends")).Concat(DependencyNames(fields.GetValueOrDefault("Pre-Depends"))).ToList();
        packages.Add(new DpkgPackage(
            name,
            fields.GetValueOrDefault("Architecture"),
            fields.GetValueOrDefault("Version"),
            status.Length > 0 ? status[0] : "unknown",
            status.Length > 2 ? status[2] : "not-installed",
            depends));
    }
}
