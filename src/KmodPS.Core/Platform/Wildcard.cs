using System.Text;
using System.Text.RegularExpressions;

namespace KmodPS.Core.Platform;

/// <summary>
/// A name with PowerShell's wildcards (<c>*</c>, <c>?</c>, <c>[a-c]</c>, <c>`</c> escaping), matched case-insensitively
/// as <c>-like</c> does, so that Core can filter by what a user typed.
/// </summary>
internal sealed class Wildcard
{
    private readonly Regex _regex;

    public Wildcard(string pattern)
    {
        Text = pattern;
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Text { get; }

    /// <summary>True when the text has a wildcard character, so it names a set rather than one item.</summary>
    public bool HasWildcards => ContainsWildcards(Text);

    public bool IsMatch(string name) => _regex.IsMatch(name);

    public static bool ContainsWildcards(string text) => text.IndexOfAny(new[] { '*', '?', '[', ']' }) >= 0;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (c == '[' && pattern.IndexOf(']', i + 1) is var close && close > i + 1)
            {
                regex.Append('[').Append(pattern[(i + 1)..close].Replace(@"\", @"\\").Replace("^", @"\^").Replace("[", @"\[")).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        return regex.Append(@"\z").ToString();
    }
}
