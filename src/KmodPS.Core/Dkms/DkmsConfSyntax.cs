using System.Text;

namespace KmodPS.Core.Dkms;

/// <summary>
/// Finds what makes bash refuse a dkms.conf when dkms sources it (<c>safe_source</c>: <c>. dkms.conf</c>; bash then
/// runs only what came before the error): NUL bytes (a binary file), a quote or parenthesis never closed, a compound
/// command never closed (<c>if</c> without <c>fi</c>, <c>case</c> without <c>esac</c>, a loop without <c>done</c>,
/// <c>{</c> without <c>}</c>), or a closing word without its opening one. Quotes nest inside <c>$(...)</c> as bash
/// nests them. Here-documents and <c>$'...'</c> strings are not modelled (dkms.conf files do not use them).
/// bash runs the commands before the fault, so dkms still gets the assignments made before that line.
/// </summary>
internal static class DkmsConfSyntax
{
    private static readonly Dictionary<string, string> Openers = new(StringComparer.Ordinal)
    {
        ["if"] = "if", ["case"] = "case", ["{"] = "{", ["for"] = "loop", ["while"] = "loop", ["until"] = "loop", ["select"] = "loop",
    };

    private static readonly Dictionary<string, string> Closers = new(StringComparer.Ordinal)
    {
        ["fi"] = "if", ["esac"] = "case", ["}"] = "{", ["done"] = "loop",
    };

    // Reserved words after which the next word is again a command.
    private static readonly HashSet<string> Leading = new(StringComparer.Ordinal) { "then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "fi", "done", "esac" };

    /// <summary>
    /// The first fault as a sentence naming its line (null when bash parses the file), how much of the text bash runs
    /// before it, and the text's logical lines (a quoted string or <c>$(...)</c> may span lines; a line may end in <c>\</c>).
    /// </summary>
    public static (string? Problem, int Runs, IReadOnlyList<string> Lines) Analyze(string text)
    {
        if (text.Contains('\0'))
        {
            return ("it holds NUL bytes: a binary file, not the bash fragment dkms sources", 0, Array.Empty<string>());
        }
        var (problem, runs, breaks) = FindProblem(text);
        var lines = new List<string>();
        var start = 0;
        foreach (var end in breaks.Append(text.Length))
        {
            lines.Add(text[start..end].Replace("\\\n", " ", StringComparison.Ordinal));
            start = Math.Min(end + 1, text.Length);
        }
        return (problem, runs, lines);
    }

    private static (string? Problem, int Runs, List<int> Breaks) FindProblem(string text)
    {
        var state = new Scan(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var inside = state.Contexts.Count > 0 ? state.Contexts.Peek().Kind : '\0';
            switch (inside)
            {
                case '\'':
                    if (c == '\'')
                    {
                        state.Contexts.Pop();
                    }
                    continue;
                case '"':
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        state.Contexts.Pop();
                    }
                    else if (c == '$' && At(text, i + 1) == '(')
                    {
                        state.Contexts.Push(('(', i++));
                    }
                    continue;
            }
            if (c == '\\')
            {
                state.Word.Append(c);
                i++;
            }
            else if (c is '"' or '\'')
            {
                state.Word.Append(c);
                state.Contexts.Push((c, i));
            }
            else if (c == '$' && At(text, i + 1) == '(')
            {
                state.Word.Append(c);
                state.Contexts.Push(('(', i++));
            }
            else if (c == '#' && state.Word.Length == 0)
            {
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                }
            }
            else if (char.IsWhiteSpace(c) || c is ';' or '&' or '|' or '(' or ')')
            {
                if (state.EndWord(i) is { } problem)
                {
                    return (problem, state.LineStart, state.Breaks);
                }
                if (c == '\n' && state.Contexts.Count == 0)
                {
                    state.Breaks.Add(i);
                    state.LineStart = i + 1;
                }
                if (c == '(')
                {
                    state.Contexts.Push(('(', i));
                }
                else if (c == ')' && inside == '(')
                {
                    state.Contexts.Pop();
                }
                if (c is not (' ' or '\t'))
                {
                    state.CommandPosition = true;
                }
            }
            else
            {
                state.Word.Append(c);
            }
        }
        if (state.EndWord(text.Length) is { } last)
        {
            return (last, state.LineStart, state.Breaks);
        }
        // bash runs nothing from the logical line where the outermost unclosed construct starts.
        var runs = Math.Min(state.Contexts.Count > 0 ? state.LineStart : text.Length, state.Blocks.Count > 0 ? state.Blocks.Last().LineStart : text.Length);
        if (state.Contexts.Count > 0)
        {
            var (kind, at) = state.Contexts.Last();
            return ($"the {(kind == '(' ? "parenthesis" : kind + " quote")} opened on line {LineOf(text, at)} is never closed", runs, state.Breaks);
        }
        if (state.Blocks.Count > 0)
        {
            var (word, at, _) = state.Blocks.Peek();
            return ($"the '{word}' on line {LineOf(text, at)} is never closed", runs, state.Breaks);
        }
        return (null, text.Length, state.Breaks);
    }

    private static char At(string text, int index) => index < text.Length ? text[index] : '\0';

    private static int LineOf(string text, int index) => 1 + text.AsSpan(0, Math.Min(index, text.Length)).Count('\n');

    private sealed class Scan(string text)
    {
        public Stack<(string Word, int At, int LineStart)> Blocks { get; } = new();

        /// <summary>The top-level newlines: where logical lines end.</summary>
        public List<int> Breaks { get; } = new();

        /// <summary>Where the current logical line starts.</summary>
        public int LineStart { get; set; }

        public Stack<(char Kind, int At)> Contexts { get; } = new();

        public StringBuilder Word { get; } = new();

        public bool CommandPosition { get; set; } = true;

        // Ends the word before index end; a reserved word counts only where a command may start, as in bash.
        public string? EndWord(int end)
        {
            if (Word.Length == 0)
            {
                return null;
            }
            var word = Word.ToString();
            Word.Clear();
            if (!CommandPosition)
            {
                return null;
            }
            if (Openers.TryGetValue(word, out var block))
            {
                Blocks.Push((block == "loop" ? word : block, end - word.Length, LineStart));
            }
            else if (Closers.TryGetValue(word, out var opener))
            {
                if (Blocks.Count == 0 || Kind(Blocks.Peek().Word) != opener)
                {
                    return $"'{word}' on line {LineOf(text, end)} closes no open '{(opener == "loop" ? "for/while/until" : opener)}'";
                }
                Blocks.Pop();
            }
            CommandPosition = Leading.Contains(word);
            return null;
        }

        private static string Kind(string opened) => Openers.TryGetValue(opened, out var kind) ? kind : opened;
    }
}
