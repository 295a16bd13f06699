using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>
/// The kernels a read names with -KernelVersion: releases or wildcard patterns (all kernels when none), remembering
/// which were matched so that a plain name that matched nothing is reported as <c>KernelNotFound</c>.
/// </summary>
public sealed class KernelSelection
{
    private readonly IReadOnlyList<Wildcard> _patterns;
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);

    private KernelSelection(IReadOnlyList<Wildcard> patterns)
    {
        _patterns = patterns;
    }

    public static KernelSelection All => new(Array.Empty<Wildcard>());

    public bool IsEmpty => _patterns.Count == 0;

    /// <summary>The selection; null with <paramref name="invalid"/> set when an entry is not a release or a release pattern.</summary>
    public static KernelSelection? Parse(IEnumerable<string?>? versions, out Failure? invalid)
    {
        invalid = null;
        var patterns = new List<Wildcard>();
        foreach (var version in versions ?? Array.Empty<string>())
        {
            if (!IsValidPattern(version))
            {
                invalid = InvalidKernelVersion(version);
                return null;
            }
            patterns.Add(new Wildcard(version!));
        }
        return new KernelSelection(patterns);
    }

    /// <summary>A release, or one with wildcards in place of some of its characters.</summary>
    public static bool IsValidPattern(string? version) =>
        version is not null && (version.IndexOfAny(new[] { '*', '?', '[', ']' }) >= 0
            ? KernelRelease.HasSafeCharacters(version.Replace("*", "x").Replace("?", "x").Replace("[", "x").Replace("]", "x"))
            : KernelRelease.IsValid(version));

    public static Failure InvalidKernelVersion(string? version) => new(
        ErrorIds.InvalidKernelVersion,
        FailureCategory.InvalidArgument,
        $"'{version}' is not a valid kernel version: a kernel release starts with its version and uses only letters, digits and . _ + ~ - (for example 5.14.0-611.41.1.el9_7.x86_64 or 6.1.0-57-amd64).",
        version);

    public bool Matches(string kernelVersion)
    {
        if (IsEmpty)
        {
            return true;
        }
        var any = false;
        foreach (var pattern in _patterns.Where(p => p.IsMatch(kernelVersion)))
        {
            _matched.Add(pattern.Text);
            any = true;
        }
        return any;
    }

    /// <summary><c>KernelNotFound</c> for each plain name (not a wildcard pattern) that has matched nothing so far.</summary>
    public IEnumerable<Failure> Unmatched(string root) =>
        _patterns.Where(p => !_matched.Contains(p.Text) && !p.HasWildcards)
            .Select(p => new Failure(ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound, $"No kernel '{p.Text}' is installed under {root}.", p.Text));
}
