using System.IO.Enumeration;
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
        foreach (var entry in contents.Entries.Where(e => e.Store is LockStore.DnfVersionlockToml or LockStore.ZyppLocks))
        {
            var date = records.FirstOrDefault(r => r.Matches(entry))?.Added;
            var description = $"'{entry.Entry}' in {entry.Source}{Added(date?.ToString("u"))}";
            if (entry.Store == LockStore.ZyppLocks)
            {
                holds.Add(new Hold(p => ZyppLockMatches(entry, p), description));
            }
            else if (entry.KernelVersion is { } kernel)
            {
                holds.Add(entry.Kind == Models.KernelLockKind.Exclude
                    ? new Hold(p => KernelRelease.Same(ReleaseOf(p), kernel), description)
                    : new Hold(p => p.Name == entry.Package && !KernelRelease.Same(ReleaseOf(p), kernel), description));
            }
        }
        return new UpdateHolds(holds);
    }

    /// <summary>
    /// zypp's rule: a lock keeps every package it matches (name glob, edition range) as it is, so one that is not
    /// installed stays out; <c>kernel-default &gt; V-R</c> holds back the newer kernels, <c>= V-R</c> that one only.
    /// </summary>
    private static bool ZyppLockMatches(LockEntry entry, RepositoryPackage package)
    {
        if (!FileSystemName.MatchesSimpleExpression(entry.Package, package.Name, ignoreCase: false))
        {
            return false;
        }
        if (entry.Version is not { } version)
        {
            return true;
        }
        var space = version.IndexOf(' ');
        var (op, edition) = space < 0 ? ("==", version) : (version[..space], version[(space + 1)..]);
        var compared = KernelVersionComparer.Instance.Compare($"{package.Version}-{package.Release}", edition[(edition.IndexOf(':') + 1)..]);
        return op switch
        {
            "=" or "==" => compared == 0,
            "!=" => compared != 0,
            ">" => compared > 0,
            ">=" => compared >= 0,
            "<" => compared < 0,
            "<=" => compared <= 0,
            _ => false,
        };
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

    // SUSE's flavour packages in uname -r form, as zypp's lock entries name their kernel.
    private static string? ReleaseOf(RepositoryPackage package) =>
        RpmKernelPackages.CarriedRelease(new RpmPackage(package.Name, "0", package.Version, package.Release, package.Arch))
        ?? RpmKernelPackages.KernelVersionOf(package.Name, package.Version, package.Release, package.Arch);

    private static string Added(string? date) => date is null ? string.Empty : $" (added {date})";

    private sealed record Hold(Func<RepositoryPackage, bool> Excludes, string Description);
}
