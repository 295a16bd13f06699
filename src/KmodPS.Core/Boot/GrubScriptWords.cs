using System.Text;

namespace KmodPS.Core.Boot;

/// <summary>
/// Splits one line of GRUB script into words: whitespace separates, <c>'...'</c> is literal, <c>"..."</c> honours
/// backslash escapes, a backslash outside quotes escapes the next character, and <c>#</c> starting a word begins a comment.
/// Variable references are kept as written (<c>${saved_entry}</c>), not expanded.
/// </summary>
internal static class GrubScriptWords
{
    public static IReadOnlyList<GrubWord> Split(string line)
    {
        var words = new List<GrubWord>();
        var current = new StringBuilder();
        var inWord = false;
        var quoted = false;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                Flush();
                i++;
                continue;
            }
            if (c == '#' && !inWord)
            {
                break;
            }
            inWord = true;
            if (c == '\'')
            {
                quoted = true;
                var end = line.IndexOf('\'', i + 1);
                end = end < 0 ? line.Length : end;
                current.Append(line, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"')
            {
                quoted = true;
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$')
                    {
                        i++;
                    }
                    current.Append(line[i]);
                    i++;
                }
                i++;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                quoted = true;
                current.Append(line[i + 1]);
                i += 2;
            }
            else
            {
                current.Append(c);
                i++;
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (inWord)
            {
                words.Add(new GrubWord(current.ToString(), quoted));
            }
            current.Clear();
            inWord = false;
            quoted = false;
        }
    }
}
