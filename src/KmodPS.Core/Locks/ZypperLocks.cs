using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// zypper locks (SUSE): <c>/etc/zypp/locks</c> (or zypp.conf's <c>locksfile.path</c>), changed with
/// <c>zypper --root addlock/removelock</c> (zypper keeps the locks file inside the root). A pin is two locks per
/// package: <c>= V-R</c> keeps the release installed, <c>&gt; V-R</c> keeps newer releases of that package out.
/// </summary>
internal sealed class ZypperLocks : ILockBackend
{
    public string ToolPackage => "zypper";

    public IReadOnlyList<LockStore> Stores { get; } = new[] { LockStore.ZyppLocks };

    public string? FindProgram(ICommandRunner runner) => runner.FindProgram("zypper") is null ? null : "zypper";

    public LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents)
    {
        var path = reader.ReadIfExists(ZyppLocksFile.ConfigPath, log) is { } config && ZyppLocksFile.PathFromConfig(config) is { } configured
            ? TreePath.Normalize(configured)
            : ZyppLocksFile.DefaultPath;
        return contents with { ZyppLocksPath = path, ZyppLocksText = reader.ReadIfExists(path, log) };
    }

    public IEnumerable<LockEntry> Entries(LockStoreContents contents) =>
        contents.ZyppLocksText is not { } text ? Array.Empty<LockEntry>() : Entries(text, contents.ZyppLocksPath);

    public static IEnumerable<LockEntry> Entries(string text, string source)
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

    public Failure? Refusal(LockSnapshot snapshot, string kernelVersion) => null;

    public void Pin(LockSnapshot snapshot, LockPlanBuilder plan, string kernelVersion)
    {
        if (snapshot.InstalledRpmPackages(kernelVersion, plan) is not { } packages)
        {
            return;
        }
        var path = snapshot.Stores.ZyppLocksPath;
        var existing = snapshot.Entries.Where(e => e.Store == LockStore.ZyppLocks).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var specs = packages.SelectMany(p => new[] { $"{p.Name} = {p.VersionRelease}", $"{p.Name} > {p.VersionRelease}" }).ToList();
        foreach (var spec in specs.Where(existing.Contains))
        {
            plan.Notes.Add($"{spec} is already locked in {path}.");
        }
        var missing = specs.Where(s => !existing.Contains(s)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        plan.Add(LockStore.ZyppLocks, Zypper(snapshot, plan.Target, "addlock", missing));
        plan.Touch(path);
        foreach (var spec in missing)
        {
            plan.Expect(LockExpectation.Present(LockStore.ZyppLocks, spec, path));
        }
    }

    /// <summary>
    /// A zypp lock names a package's edition (<c>kernel-default = 6.4.0-150600.23.33.1</c>), which the release
    /// (<c>6.4.0-150600.23.33-default</c>) drops the build counter of: the repository metadata zypper cached gives it.
    /// Locking the flavour's image package keeps the release out; its other packages require it.
    /// </summary>
    public void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release)
    {
        var image = "kernel-" + RpmKernelPackages.SuseFlavourOf(release);
        var package = RpmKernelPackages.IsSuseImage(image)
            ? RepodataPackages.Read(snapshot.Root, name => name == image, _ => false)
                .FirstOrDefault(p => KernelImagePackage.RpmRelease(p.Name, p.Version, p.Release, p.Arch) == release)
            : null;
        if (package is null)
        {
            plan.Refuse(LockFailures.NotSupported(release,
                $"No {image} package of {release} is in the repository metadata zypper cached under {snapshot.RootPath}, and a zypper lock needs its full package release: run 'zypper refresh', or zypper addlock '{image} = <version>-<release>'."));
            return;
        }
        var path = snapshot.Stores.ZyppLocksPath;
        var spec = $"{image} = {package.Version}-{package.Release}";
        if (snapshot.Entries.Any(e => e.Store == LockStore.ZyppLocks && e.Key == spec))
        {
            plan.Notes.Add($"{spec} is already locked in {path}.");
            return;
        }
        plan.Add(LockStore.ZyppLocks, Zypper(snapshot, plan.Target, "addlock", new[] { spec }));
        plan.Touch(path);
        plan.Expect(LockExpectation.Present(LockStore.ZyppLocks, spec, path));
    }

    public void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets)
    {
        if (snapshot.Backend != this || snapshot.Program is null)
        {
            plan.Refuse(LockFailures.PackageManagerNotFound(plan.Target, this, snapshot.RootPath));
            return;
        }
        plan.Add(LockStore.ZyppLocks, Zypper(snapshot, plan.Target, "removelock", targets.Select(t => t.Key).ToList()));
        plan.Touch(snapshot.Stores.ZyppLocksPath);
    }

    public Failure Classify(CommandResult result, string kernel) =>
        LockBackends.CommandFailed(result, kernel, result.ExitCode == 7 || LockBackends.Output(result).Contains("System management is locked", StringComparison.Ordinal));

    public IEnumerable<string> Traps(LockSnapshot snapshot, bool locking) => Array.Empty<string>();

    private static CommandChange Zypper(LockSnapshot snapshot, string target, string verb, IReadOnlyList<string> specs)
    {
        var arguments = new List<string> { "--non-interactive" };
        if (!snapshot.IsHostRoot)
        {
            arguments.AddRange(new[] { "--root", snapshot.RootPath });
        }
        arguments.Add(verb);
        arguments.AddRange(specs);
        return LockBackends.Zypper.Command(target, new CommandRequest(snapshot.Program ?? "zypper", arguments) { Timeout = TimeSpan.FromMinutes(5) }, PrefixToolDirectories.Zypper);
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

/// <summary>libzypp's locks file (<c>/etc/zypp/locks</c>, locks(5)): <c>attribute: value</c> lines, locks separated by blank lines.</summary>
internal static class ZyppLocksFile
{
    public const string DefaultPath = "/etc/zypp/locks";
    public const string ConfigPath = "/etc/zypp/zypp.conf";

    public static IReadOnlyList<ZyppLock> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var locks = new List<ZyppLock>();
        var attributes = new List<KeyValuePair<string, string>>();
        var first = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].Trim() : string.Empty;
            var colon = line.IndexOf(':');
            if (line.StartsWith('#'))
            {
                continue;
            }
            if (line.Length == 0 || colon <= 0)
            {
                if (attributes.Count > 0)
                {
                    locks.Add(new ZyppLock(attributes, first, i - first));
                    attributes = new List<KeyValuePair<string, string>>();
                }
                first = -1;
                continue;
            }
            if (first < 0)
            {
                first = i;
            }
            attributes.Add(new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return locks;
    }

    /// <summary>The <c>locksfile.path</c> of zypp.conf (<c>[main]</c>), or null for the default.</summary>
    public static string? PathFromConfig(string configText)
    {
        foreach (var raw in configText.Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=');
            if (!line.StartsWith('#') && !line.StartsWith(';') && equals > 0 && line[..equals].Trim() == "locksfile.path")
            {
                var value = line[(equals + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }
        return null;
    }
}

/// <summary>
/// One lock of libzypp's locks file: <c>attribute: value</c> lines (<c>type</c>, <c>match_type</c>,
/// <c>solvable_name</c>, <c>version</c>, ...), with the lines it spans in the file.
/// </summary>
internal sealed record ZyppLock(IReadOnlyList<KeyValuePair<string, string>> Attributes, int FirstLine, int LineCount)
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
