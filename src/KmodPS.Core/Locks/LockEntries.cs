using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>The kernel-related locks of every store, from their raw content (pure; no file or process access).</summary>
public static class LockEntries
{
    /// <summary>What <c>Source</c> says for dpkg holds: the tool that manages them (they live in dpkg's status file).</summary>
    public const string AptMarkSource = "apt-mark";

    public static IReadOnlyList<LockEntry> From(LockStoreContents contents)
    {
        var entries = new List<LockEntry>();
        if (contents.VersionlockListText is { } list)
        {
            entries.AddRange(FromVersionlockList(list, contents.VersionlockListPath));
        }
        if (contents.VersionlockTomlText is { } toml)
        {
            entries.AddRange(FromVersionlockToml(toml, contents.VersionlockTomlPath));
        }
        if (contents.DpkgPackages is { } dpkg)
        {
            entries.AddRange(FromDpkg(dpkg));
        }
        foreach (var (path, text) in contents.AptPreferences)
        {
            entries.AddRange(FromAptPreferences(text, path));
        }
        if (contents.ZyppLocksText is { } zypp)
        {
            entries.AddRange(FromZyppLocks(zypp, contents.ZyppLocksPath));
        }
        return entries;
    }

    public static IEnumerable<LockEntry> FromVersionlockList(string text, string source) =>
        VersionlockListFile.Parse(text)
            .Where(e => RpmKernelPackages.IsKernelName(e.Name))
            .Select(e => new LockEntry(LockStore.DnfVersionlockList, source, e.Line, e.Name, e.Evr,
                RpmKernelPackages.KernelVersionOf(e.Name, e.Version, e.Release, e.Arch), e.IsExclude ? KernelLockKind.Exclude : KernelLockKind.Pin, e.Line));

    public static IEnumerable<LockEntry> FromVersionlockToml(string text, string source)
    {
        foreach (var package in VersionlockTomlFile.Parse(text).Where(p => RpmKernelPackages.IsKernelName(p.Name)))
        {
            if (package.IsExclude)
            {
                foreach (var condition in package.Conditions)
                {
                    yield return new LockEntry(LockStore.DnfVersionlockToml, source, TomlKey(package.Name, new[] { condition }), package.Name, condition.Value,
                        KernelVersionOfEvr(package.Name, condition.Value), KernelLockKind.Exclude, $"{package.Name}: {condition}");
                }
                continue;
            }
            var single = package.Conditions.Count == 1 && package.Conditions[0] is { Key: "evr", Comparator: "=" or "==" } ? package.Conditions[0].Value : null;
            var version = single ?? string.Join(", ", package.Conditions.Select(c => $"{c.Comparator} {c.Value}"));
            yield return new LockEntry(LockStore.DnfVersionlockToml, source, TomlKey(package.Name, package.Conditions), package.Name, version.Length == 0 ? null : version,
                single is null ? null : KernelVersionOfEvr(package.Name, single), KernelLockKind.Pin,
                $"{package.Name}: {string.Join(", ", package.Conditions)}");
        }
    }

    public static IEnumerable<LockEntry> FromDpkg(IEnumerable<DpkgPackage> packages) =>
        packages.Where(p => p.IsHeld && DebianKernelPackages.IsKernelName(p.Name))
            .Select(p => new LockEntry(LockStore.DpkgHold, AptMarkSource, p.Name, p.Name, p.Version, DebianKernelPackages.KernelVersionOf(p.Name), KernelLockKind.Hold, $"{p.Name} hold"));

    public static IEnumerable<LockEntry> FromAptPreferences(string text, string source)
    {
        foreach (var stanza in AptPreferencesFile.Parse(text).Where(s => s.Priority < 0))
        {
            foreach (var pattern in stanza.Patterns.Where(IsKernelPattern))
            {
                yield return new LockEntry(LockStore.AptPreferences, source, $"{stanza.Package}|{pattern}", pattern, stanza.Pin,
                    DebianKernelPackages.KernelVersionOf(pattern.Replace("*", string.Empty)), KernelLockKind.Exclude,
                    $"Package: {stanza.Package} / Pin: {stanza.Pin} / Pin-Priority: {stanza.Priority}");
            }
        }
    }

    public static IEnumerable<LockEntry> FromZyppLocks(string text, string source)
    {
        foreach (var zyppLock in ZyppLocksFile.Parse(text))
        {
            if (zyppLock.Name is not { } name || !RpmKernelPackages.IsKernelName(name) || zyppLock.Type is not (null or "package"))
            {
                continue;
            }
            var kind = zyppLock.Operator switch
            {
                null or "==" => KernelLockKind.Hold,
                "!=" => KernelLockKind.Pin,
                _ => KernelLockKind.Exclude,
            };
            var version = zyppLock.Edition is null ? null : $"{(zyppLock.Operator == "==" ? string.Empty : zyppLock.Operator + " ")}{zyppLock.Edition}";
            yield return new LockEntry(LockStore.ZyppLocks, source, zyppLock.Spec, name, version, KernelVersionOfEdition(name, zyppLock.Edition), kind, zyppLock.Spec);
        }
    }

    // A name, glob (linux-*-6.1.0-57-amd64*) or /regex/ of apt preferences that selects kernel packages.
    private static bool IsKernelPattern(string pattern) =>
        DebianKernelPackages.IsKernelName(pattern) || pattern.StartsWith("linux-*", StringComparison.Ordinal) || pattern.StartsWith("/^?linux-", StringComparison.Ordinal) || pattern.StartsWith("/linux-", StringComparison.Ordinal);

    /// <summary>The key of a dnf 5 entry: name and conditions.</summary>
    public static string TomlKey(string name, IEnumerable<VersionlockCondition> conditions) => $"{name}|{string.Join("|", conditions)}";

    private static string? KernelVersionOfEvr(string name, string evr)
    {
        var colon = evr.IndexOf(':');
        var versionRelease = colon >= 0 ? evr[(colon + 1)..] : evr;
        var dash = versionRelease.LastIndexOf('-');
        return dash > 0 ? RpmKernelPackages.KernelVersionOf(name, versionRelease[..dash], versionRelease[(dash + 1)..], null) : null;
    }

    private static string? KernelVersionOfEdition(string name, string? edition)
    {
        if (edition is null)
        {
            return null;
        }
        var colon = edition.IndexOf(':');
        var versionRelease = colon >= 0 ? edition[(colon + 1)..] : edition;
        var dash = versionRelease.LastIndexOf('-');
        if (dash <= 0)
        {
            return null;
        }
        var package = new RpmPackage(Nevra.Name(name), "0", versionRelease[..dash], versionRelease[(dash + 1)..], "x86_64");
        return RpmKernelPackages.SuseKernelVersion(package) ?? RpmKernelPackages.KernelVersionOf(name, package.Version, package.Release, null);
    }
}
