using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Everything that keeps a repository package out of a dnf update, as dnf applies it: the exclude and include
/// settings of dnf.conf and the .repo files, and the versionlock entries (KmodPS's own among them). dnf 4's
/// versionlock plugin turns a pin into "every other version of that name is excluded" and a <c>!</c> line into an
/// exclude; dnf 5's versionlock.toml and zypp's locks (kernel entries, as the lock reader knows them) are read the same
/// way. Each hold names its entry and file, with the date the store or KmodPS's lock state records.
/// </summary>
internal sealed class UpdateHolds
{
    private readonly IReadOnlyList<Hold> _holds;

    private UpdateHolds(IReadOnlyList<Hold> holds)
    {
        _holds = holds;
    }

    public static UpdateHolds Read(ISystemRoot root, DnfConfiguration configuration, DiagnosticLog log)
    {
        var holds = configuration.Rules.Select(r => new Hold(r.Excludes, r.Describe())).ToList();
        var contents = new LockStoreReader(root).Read(log);
        var records = new LockStateFile(root).Read(log, contents.Entries);
        if (contents.VersionlockListText is { } text)
        {
            holds.AddRange(VersionlockHolds(text, contents.VersionlockListPath, records));
        }
        foreach (var entry in contents.Entries.Where(e => e.Store is LockStore.DnfVersionlockToml or LockStore.ZyppLocks && e.KernelVersion is not null))
        {
            var kernel = entry.KernelVersion!;
            var date = records.FirstOrDefault(r => r.Matches(entry))?.Added;
            var description = $"'{entry.Entry}' in {entry.Source}{Added(date?.ToString("u"))}";
            holds.Add(entry.Kind == Models.KernelLockKind.Exclude
                ? new Hold(p => KernelRelease.Same(ReleaseOf(p), kernel), description)
                : new Hold(p => p.Name == entry.Package && !KernelRelease.Same(ReleaseOf(p), kernel), description));
        }
        return new UpdateHolds(holds);
    }

    /// <summary>What keeps <paramref name="package"/> out of the update, or null when nothing does.</summary>
    public string? HeldBy(RepositoryPackage package) => _holds.FirstOrDefault(h => h.Excludes(package))?.Description;

    /// <summary>The dnf 4 plugin's rules, with the <c># Added lock on DATE</c> comment the plugin writes above each line.</summary>
    private static IEnumerable<Hold> VersionlockHolds(string text, string path, IReadOnlyList<LockRecord> records)
    {
        var pins = new List<(VersionlockListEntry Entry, string Description)>();
        var holds = new List<Hold>();
        string? date = null;
        foreach (var line in text.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("# Added ", StringComparison.Ordinal) && line.IndexOf(" on ", StringComparison.Ordinal) is > 0 and var on)
            {
                date = line[(on + 4)..];
                continue;
            }
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var entry = VersionlockListEntry.Parse(line);
            var recorded = records.FirstOrDefault(r => r.Store == LockStore.DnfVersionlockList && r.Key == entry.Line)?.Added.ToString("u");
            var description = $"'{entry.Line}' in {path}{Added(date ?? recorded)}";
            date = null;
            if (entry.IsExclude)
            {
                holds.Add(new Hold(p => Matches(entry, p), description));
            }
            else
            {
                pins.Add((entry, description));
            }
        }
        // A pin excludes every other version of the names it locks (versionlock.py: all versions of locked names minus the locked ones).
        foreach (var group in pins.GroupBy(p => p.Entry.Name))
        {
            var name = group.Key;
            var locked = group.ToList();
            holds.Add(new Hold(p => DnfPattern.IsMatch(name, p.Name) && !locked.Any(l => Matches(l.Entry, p)),
                string.Join(", ", locked.Select(l => l.Description))));
        }
        return holds;
    }

    private static bool Matches(VersionlockListEntry entry, RepositoryPackage package) =>
        entry.Version is null ? DnfPattern.Matches(entry.Spec, package)
            : DnfPattern.IsMatch(entry.Name, package.Name)
              && (entry.Epoch is null or "0" or "*")
              && Glob(entry.Version, package.Version) && Glob(entry.Release, package.Release) && Glob(entry.Arch, package.Arch);

    private static bool Glob(string? pattern, string value) => pattern is null || DnfPattern.IsMatch(pattern, value);

    private static string? ReleaseOf(RepositoryPackage package) => RpmKernelPackages.KernelVersionOf(package.Name, package.Version, package.Release, package.Arch);

    private static string Added(string? date) => date is null ? string.Empty : $" (added {date})";

    private sealed record Hold(Func<RepositoryPackage, bool> Excludes, string Description);
}
