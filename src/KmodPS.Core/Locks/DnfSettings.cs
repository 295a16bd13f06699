using System.Text.RegularExpressions;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>The dnf/yum configuration that matters for locks: <c>exclude</c>/<c>excludepkgs</c> and <c>installonly_limit</c> of <c>[main]</c>.</summary>
public sealed record DnfSettings(IReadOnlyList<KeyValuePair<string, string>> Excludes, int? InstallonlyLimit)
{
    public static DnfSettings None { get; } = new(Array.Empty<KeyValuePair<string, string>>(), null);

    /// <summary>Reads <c>/etc/dnf/dnf.conf</c> and <c>/etc/yum.conf</c> of a root (the exclude patterns with the file they come from).</summary>
    public static DnfSettings Read(ISystemRoot root)
    {
        var excludes = new List<KeyValuePair<string, string>>();
        int? limit = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in new[] { "/etc/dnf/dnf.conf", "/etc/yum.conf" })
        {
            if (!root.FileExists(path) || root.ResolvePath(path) is not { } real || !seen.Add(real))
            {
                continue;
            }
            string text;
            try
            {
                text = root.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var parsed = Parse(text);
            excludes.AddRange(parsed.Excludes.Select(e => new KeyValuePair<string, string>(path, e.Value)));
            limit ??= parsed.InstallonlyLimit;
        }
        return new DnfSettings(excludes, limit);
    }

    /// <summary>Parses the <c>[main]</c> section of one dnf.conf text.</summary>
    public static DnfSettings Parse(string text)
    {
        var excludes = new List<KeyValuePair<string, string>>();
        int? limit = null;
        var inMain = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.StartsWith(';') || line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('['))
            {
                inMain = line == "[main]";
                continue;
            }
            var equals = line.IndexOf('=');
            if (!inMain || equals <= 0)
            {
                continue;
            }
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (key is "exclude" or "excludepkgs")
            {
                excludes.AddRange(value.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(p => new KeyValuePair<string, string>(string.Empty, p)));
            }
            else if (key == "installonly_limit" && int.TryParse(value, out var parsed))
            {
                limit = parsed;
            }
        }
        return new DnfSettings(excludes, limit);
    }

    /// <summary>The exclude patterns (with their file) that match any of the package names (glob: <c>*</c>, <c>?</c>, <c>[...]</c>).</summary>
    public IEnumerable<KeyValuePair<string, string>> ExcludesMatching(IEnumerable<string> names)
    {
        var list = names.ToList();
        return Excludes.Where(e => list.Any(n => Glob(e.Value).IsMatch(n)));
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".").Replace("\\[", "[").Replace("\\]", "]") + "$");
}
