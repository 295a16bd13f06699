using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;
using KmodPS.Core.Repair;

namespace KmodPS.Infrastructure;

/// <summary>
/// Turns Repair-KernelModule's -Name/-KernelVersion selections (one per pipeline record) into (module, kernel)
/// pairs of a status snapshot. A pair is taken when it needs attention; an exact module name also takes the
/// kernels where it is fine, so that they are reported as NothingToDo. Names match the module name or the DKMS
/// module name, with <c>-</c> and <c>_</c> equivalent, case-insensitively.
/// </summary>
internal static class RepairSelection
{
    public static List<RepairPair> Pairs(ISystemRoot root, ModuleStatusSnapshot snapshot, IEnumerable<(string[]? Names, string[]? Kernels)> selections, ICollection<ErrorRecord> errors)
    {
        var pairs = new List<RepairPair>();
        foreach (var (names, kernels) in selections)
        {
            var kernelFilter = KernelVersionFilter.Create(kernels, new List<ErrorRecord>());
            var selectedKernels = snapshot.Kernels.Select(k => k.KernelVersion).Where(kernelFilter.Matches).ToHashSet(StringComparer.Ordinal);
            foreach (var notFound in kernelFilter.Unmatched(root.RootPath))
            {
                errors.Add(notFound);
            }
            var patterns = (names ?? Array.Empty<string>())
                .Select(n => (Text: n, Pattern: new WildcardPattern(n.Replace('-', '_'), WildcardOptions.IgnoreCase), Exact: !WildcardPattern.ContainsWildcardCharacters(n)))
                .ToList();
            var matched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in snapshot.Rows.Where(r => selectedKernels.Contains(r.KernelVersion)).GroupBy(r => new RepairPair(r.Name, r.KernelVersion)))
            {
                var named = patterns.Where(n => n.Pattern.IsMatch(group.Key.Name) || group.Any(r => DkmsModule(r) is { } m && n.Pattern.IsMatch(m))).ToList();
                if (patterns.Count > 0 && named.Count == 0)
                {
                    continue;
                }
                named.ForEach(n => matched.Add(n.Text));
                if ((RepairPlanner.NeedsAttention(group) || named.Any(n => n.Exact)) && !pairs.Contains(group.Key))
                {
                    pairs.Add(group.Key);
                }
            }
            foreach (var name in patterns.Where(n => n.Exact && !matched.Contains(n.Text)))
            {
                errors.Add(ErrorRecordFactory.Create(ErrorIds.ModuleNotFound, FailureCategory.ObjectNotFound,
                    $"No out-of-tree module '{name.Text}' is known for the selected kernels under {root.RootPath} (Get-KernelModuleStatus lists them).", name.Text));
            }
        }
        return pairs;
    }

    private static string? DkmsModule(ModuleStatus row) =>
        row.Provider == ModuleProvider.Dkms && row.Package is { } p && p.Contains('/') ? p[..p.IndexOf('/')].Replace('-', '_') : null;
}
