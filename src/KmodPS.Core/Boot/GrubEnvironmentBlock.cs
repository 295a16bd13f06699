using System.Text;

namespace KmodPS.Core.Boot;

/// <summary>
/// Parses a GRUB environment block (<c>grubenv</c>): the signature line <c># GRUB Environment Block</c>, then
/// <c>name=value</c> lines (a backslash escapes the next character) and <c>#</c> padding up to 1024 bytes.
/// </summary>
internal static class GrubEnvironmentBlock
{
    public const string Signature = "# GRUB Environment Block\n";
    public const int StandardSize = 1024;

    /// <summary>The variables of the block, or null when the signature is missing (GRUB's <c>load_env</c> rejects such a file).</summary>
    public static IReadOnlyDictionary<string, string>? Parse(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content);
        if (!text.StartsWith(Signature, StringComparison.Ordinal))
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = Signature.Length;
        while (i < text.Length)
        {
            if (text[i] == '#' || text[i] == '\n')
            {
                var newline = text.IndexOf('\n', i);
                i = newline < 0 ? text.Length : newline + 1;
                continue;
            }
            var equals = text.IndexOf('=', i);
            var lineEnd = text.IndexOf('\n', i);
            if (equals < 0 || (lineEnd >= 0 && lineEnd < equals))
            {
                i = lineEnd < 0 ? text.Length : lineEnd + 1;
                continue;
            }
            var name = text[i..equals];
            var value = new StringBuilder();
            i = equals + 1;
            while (i < text.Length && text[i] != '\n')
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }
                value.Append(text[i]);
                i++;
            }
            values[name] = value.ToString();
            i++;
        }
        return values;
    }
}
