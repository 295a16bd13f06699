namespace KmodPS.Core.Locks;

/// <summary>One apt preferences stanza.</summary>
public sealed record AptPreference(string Package, string Pin, int Priority, string? Explanation, int FirstLine, int LineCount)
{
    /// <summary>The package names, globs or <c>/regex/</c> of the Package field.</summary>
    public IReadOnlyList<string> Patterns => Package.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
