namespace KmodPS.Core.Locks;

/// <summary>
/// One lock of libzypp's locks file: <c>attribute: value</c> lines (<c>type</c>, <c>match_type</c>,
/// <c>solvable_name</c>, <c>version</c>, ...), with the lines it spans in the file.
/// </summary>
public sealed record ZyppLock(IReadOnlyList<KeyValuePair<string, string>> Attributes, int FirstLine, int LineCount)
{
    public string? Get(string attribute) => Attributes.LastOrDefault(a => a.Key == attribute).Value;

    /// <summary>The package name or glob (<c>solvable_name</c>, or the old-style <c>name OP edition</c> in one value).</summary>
    public string? Name => SplitNameValue().Name;

    /// <summary>The comparison of the <c>version</c> attribute (or of <c>solvable_name: name OP edition</c>): <c>==</c>, <c>&gt;</c>, ...</summary>
    public string? Operator => SplitVersion().Operator;

    /// <summary>The edition (<c>[epoch:]version[-release]</c>) the lock is restricted to, or null for every edition.</summary>
    public string? Edition => SplitVersion().Edition;

    /// <summary>The resolvable type (<c>package</c>, <c>patch</c>, ...), or null for every type.</summary>
    public string? Type => Get("type") ?? Get("kind");

    /// <summary>The lock as <c>zypper addlock</c> takes it: <c>name</c> or <c>name OP edition</c>.</summary>
    public string Spec => Edition is null ? Name ?? string.Empty : $"{Name} {(Operator == "==" ? "=" : Operator)} {Edition}";

    private (string? Name, string? Operator, string? Edition) SplitNameValue()
    {
        var value = Get("solvable_name");
        if (value is null)
        {
            return (null, null, null);
        }
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 3 && IsOperator(parts[1]) ? (parts[0], Normalize(parts[1]), parts[2]) : (value.Trim(), null, null);
    }

    private (string? Operator, string? Edition) SplitVersion()
    {
        var version = Get("version");
        if (version is null)
        {
            var fromName = SplitNameValue();
            return (fromName.Operator, fromName.Edition);
        }
        version = version.Trim();
        var end = 0;
        while (end < version.Length && "=<>!".Contains(version[end]))
        {
            end++;
        }
        var op = end == 0 ? "==" : Normalize(version[..end]);
        var edition = version[end..].Trim();
        return (op, edition.Length > 0 ? edition : null);
    }

    private static bool IsOperator(string text) => text is "=" or "==" or "!=" or "<" or "<=" or ">" or ">=";

    private static string Normalize(string op) => op == "=" ? "==" : op;
}
