using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;

namespace KmodPS.Infrastructure;

/// <summary>The -KernelVersion argument of read cmdlets: validated names or wildcard patterns, with "matched nothing" tracking.</summary>
internal sealed class KernelVersionFilter
{
    private readonly List<(string Text, WildcardPattern Pattern)> _patterns = new();
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);

    private KernelVersionFilter()
    {
    }

    public bool IsEmpty => _patterns.Count == 0;

    /// <summary>
    /// The filter of a read cmdlet's -KernelVersion: invalid entries are written as non-terminating errors;
    /// null when versions were given and none of them is valid (there is nothing to read).
    /// </summary>
    public static KernelVersionFilter? FromParameter(Cmdlet cmdlet, string[]? versions)
    {
        var errors = new List<ErrorRecord>();
        var filter = Create(versions, errors);
        errors.ForEach(cmdlet.WriteError);
        return versions is { Length: > 0 } && filter.IsEmpty ? null : filter;
    }

    /// <summary>Builds the filter; invalid entries come back as <c>InvalidKernelVersion</c> records and are left out.</summary>
    public static KernelVersionFilter Create(IEnumerable<string>? versions, ICollection<ErrorRecord> errors)
    {
        var filter = new KernelVersionFilter();
        foreach (var version in versions ?? Array.Empty<string>())
        {
            var withoutWildcards = version?.Replace("*", "x").Replace("?", "x").Replace("[", "x").Replace("]", "x");
            if (!KernelRelease.IsValid(withoutWildcards))
            {
                errors.Add(InvalidKernelVersion(version));
                continue;
            }
            filter._patterns.Add((version!, new WildcardPattern(version, WildcardOptions.IgnoreCase)));
        }
        return filter;
    }

    public static ErrorRecord InvalidKernelVersion(string? version) => ErrorRecordFactory.Create(
        ErrorIds.InvalidKernelVersion,
        FailureCategory.InvalidArgument,
        $"'{version}' is not a valid kernel version: use only letters, digits and . _ + ~ - (for example 5.14.0-611.41.1.el9_7.x86_64).",
        version);

    public bool Matches(string kernelVersion)
    {
        if (IsEmpty)
        {
            return true;
        }
        var any = false;
        foreach (var (text, pattern) in _patterns)
        {
            if (pattern.IsMatch(kernelVersion))
            {
                _matched.Add(text);
                any = true;
            }
        }
        return any;
    }

    /// <summary><c>KernelNotFound</c> for each plain name (not wildcard) that matched nothing.</summary>
    public IEnumerable<ErrorRecord> Unmatched(string root) =>
        _patterns.Where(p => !_matched.Contains(p.Text) && !WildcardPattern.ContainsWildcardCharacters(p.Text))
            .Select(p => ErrorRecordFactory.Create(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{p.Text}' is installed under {root}.", p.Text));
}
