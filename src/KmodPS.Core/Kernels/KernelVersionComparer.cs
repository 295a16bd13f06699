namespace KmodPS.Core.Kernels;

/// <summary>
/// Orders kernel releases the way rpm and dpkg do for these strings: digit runs compare as numbers,
/// letter runs as text, a digit run beats a letter run, and <c>~</c> sorts before everything
/// (so 5.14.0-611.9.1 &lt; 5.14.0-611.41.1 and 6.1.0-9-amd64 &lt; 6.1.0-10-amd64).
/// </summary>
internal sealed class KernelVersionComparer : IComparer<string>
{
    public static KernelVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        // Equal text up to a separator compares equal whatever it holds: start after the last one (releases sorted by the
        // hundred thousand share most of their text).
        var common = x.AsSpan().CommonPrefixLength(y);
        var start = x.AsSpan(0, common).LastIndexOfAnyExcept(Alphanumerics) + 1;
        int i = start, j = start;
        while (i < x.Length || j < y.Length)
        {
            SkipSeparators(x, ref i);
            SkipSeparators(y, ref j);
            var xTilde = i < x.Length && x[i] == '~';
            var yTilde = j < y.Length && y[j] == '~';
            if (xTilde || yTilde)
            {
                if (!(xTilde && yTilde))
                {
                    return xTilde ? -1 : 1;
                }
                i++;
                j++;
                continue;
            }
            if (i >= x.Length || j >= y.Length)
            {
                break;
            }
            var xDigits = char.IsAsciiDigit(x[i]);
            var yDigits = char.IsAsciiDigit(y[j]);
            if (xDigits != yDigits)
            {
                return xDigits ? 1 : -1;
            }
            var xRun = TakeRun(x, ref i, xDigits);
            var yRun = TakeRun(y, ref j, yDigits);
            var order = xDigits ? CompareNumbers(xRun, yRun) : xRun.SequenceCompareTo(yRun);
            if (order != 0)
            {
                return Math.Sign(order);
            }
        }
        var xRest = i < x.Length;
        var yRest = j < y.Length;
        return xRest == yRest ? string.CompareOrdinal(x, y) switch { < 0 => -1, > 0 => 1, _ => 0 } : (xRest ? 1 : -1);
    }

    private static readonly System.Buffers.SearchValues<char> Alphanumerics =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static void SkipSeparators(string s, ref int index)
    {
        while (index < s.Length && !char.IsAsciiLetterOrDigit(s[index]) && s[index] != '~')
        {
            index++;
        }
    }

    // Spans, not substrings: sorting 100,000 releases compares them millions of times.
    private static ReadOnlySpan<char> TakeRun(string s, ref int index, bool digits)
    {
        var start = index;
        while (index < s.Length && (digits ? char.IsAsciiDigit(s[index]) : char.IsAsciiLetter(s[index])))
        {
            index++;
        }
        return s.AsSpan(start, index - start);
    }

    private static int CompareNumbers(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }
}
