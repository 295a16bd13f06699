using System.Text.RegularExpressions;

namespace KmodPS.Core.Dkms;

/// <summary>
/// Parses <c>dkms status</c> output of every dkms generation: <c>m, v, k, a: state</c> (&lt;= 2.8.5),
/// <c>m/v, k, a: state</c> (&gt;= 2.8.6), <c>m/v: added</c>, <c>m/v: broken</c> (&gt;= 3.0.13),
/// <c>installed-weak from k</c>, and the parenthesised warnings dkms appends.
/// </summary>
internal static partial class DkmsStatusParser
{
    public static IReadOnlyList<DkmsStatusLine> Parse(string text)
    {
        var lines = new List<DkmsStatusLine>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var match = StatusLine().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var head = match.Groups["head"].Value.Split(", ");
            var moduleAndVersion = head[0].Contains('/') ? head[0].Split('/', 2) : new[] { head[0], head.Length > 1 ? head[1] : string.Empty };
            var rest = head[0].Contains('/') ? head.Skip(1).ToArray() : head.Skip(2).ToArray();
            var state = match.Groups["state"].Value;
            var note = match.Groups["note"].Success ? match.Groups["note"].Value.Trim() : null;
            lines.Add(new DkmsStatusLine(moduleAndVersion[0], moduleAndVersion[1], rest.ElementAtOrDefault(0), rest.ElementAtOrDefault(1), state, note));
        }
        return lines;
    }

    [GeneratedRegex(@"^(?<head>[^:]+):\s+(?<state>added|built|installed-weak|installed|broken)(?<note>\s.*)?$")]
    private static partial Regex StatusLine();
}
