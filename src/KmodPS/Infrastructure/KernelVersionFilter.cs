using System.Management.Automation;
using KmodPS.Core.Hosts;

namespace KmodPS.Infrastructure;

/// <summary>
/// The -KernelVersion filter of the cmdlets that still skip an invalid entry with a non-terminating error instead of
/// failing before any work (<see cref="KmodCommand.SelectKernels"/>); the matching is Core's <see cref="KernelSelection"/>.
/// </summary>
internal sealed class KernelVersionFilter
{
    private readonly KernelSelection _selection;

    private KernelVersionFilter(KernelSelection selection)
    {
        _selection = selection;
    }

    public bool IsEmpty => _selection.IsEmpty;

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
        var valid = new List<string>();
        foreach (var version in versions ?? Array.Empty<string>())
        {
            if (KernelSelection.IsValidPattern(version))
            {
                valid.Add(version);
            }
            else
            {
                errors.Add(InvalidKernelVersion(version));
            }
        }
        return new KernelVersionFilter(KernelSelection.Parse(valid, out _)!);
    }

    public static ErrorRecord InvalidKernelVersion(string? version) => ErrorRecordFactory.From(KernelSelection.InvalidKernelVersion(version));

    public bool Matches(string kernelVersion) => _selection.Matches(kernelVersion);

    /// <summary><c>KernelNotFound</c> for each plain name (not wildcard) that matched nothing.</summary>
    public IEnumerable<ErrorRecord> Unmatched(string root) => _selection.Unmatched(root).Select(ErrorRecordFactory.From);
}
