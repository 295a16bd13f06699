using System.Text;
using System.Text.RegularExpressions;

namespace KmodPS.Core.Boot;

/// <summary>
/// systemd-boot's <c>efi_fnmatch</c> for <c>default</c> patterns and entry variables: <c>*</c>, <c>?</c>,
/// <c>[...]</c> classes (<c>!</c> or <c>^</c> negates) and backslash escapes, matched against the whole id.
/// systemd-boot lower-cases both sides first; so does this.
/// </summary>
internal static class EfiGlob
{
    public static bool IsMatch(string pattern, string id) =>
        Regex.IsMatch(id.ToLowerInvariant(), ToRegex(pattern.ToLowerInvariant()), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '\\' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }
                    var body = pattern[(i + 1)..close];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate)
                    {
                        body = body[1..];
                    }
                    regex.Append('[').Append(negate ? "^" : string.Empty)
                        .Append(body.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal))
                        .Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return regex.Append(@"\z").ToString();
    }
}
