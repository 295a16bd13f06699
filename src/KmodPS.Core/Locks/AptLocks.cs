using System.Text.RegularExpressions;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// apt (Debian, Ubuntu): pins are <c>apt-mark hold</c>s (dpkg selections in <c>/var/lib/dpkg/status</c>), excludes
/// are apt preferences stanzas with a negative Pin-Priority. <c>-o Dir=</c> alone is not enough for a root: apt-mark
/// writes selections through <c>dpkg --set-selections</c>, which would act on the host's database;
/// <c>DPkg::Options::=--root=</c> points dpkg at the root too (checked in the lab: the root's status changes, the
/// host's does not). A pin holds the kernel metapackages too: upgrading one would install a new ABI anyway.
/// </summary>
internal sealed class AptLocks : ILockBackend
{
    /// <summary>What <c>Source</c> says for dpkg holds: the tool that manages them (they live in dpkg's status file).</summary>
    public const string AptMarkSource = "apt-mark";

    public string ToolPackage => "apt";

    public IReadOnlyList<LockStore> Stores { get; } = new[] { LockStore.DpkgHold, LockStore.AptPreferences };

    public string? FindProgram(ICommandRunner runner) => runner.FindProgram("apt-mark") is null ? null : "apt-mark";

    public LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents)
    {
        var preferences = new List<KeyValuePair<string, string>>();
        if (reader.ReadIfExists(AptPreferencesFile.MainPath, log) is { } main)
        {
            preferences.Add(new(AptPreferencesFile.MainPath, main));
        }
        foreach (var name in reader.ListDirectory(AptPreferencesFile.Directory).Where(IsAptPreferencesName))
        {
            var path = TreePath.Combine(AptPreferencesFile.Directory, name);
            if (reader.ReadIfExists(path, log) is { } text)
            {
                preferences.Add(new(path, text));
            }
        }
        var status = reader.ReadIfExists(DpkgStatusFile.Path, log);
        return contents with { DpkgPackages = status is null ? null : DpkgStatusFile.Parse(status), AptPreferences = preferences };
    }

    public IEnumerable<LockEntry> Entries(LockStoreContents contents) =>
        (contents.DpkgPackages is { } dpkg ? HoldEntries(dpkg) : Array.Empty<LockEntry>())
            .Concat(contents.AptPreferences.SelectMany(p => PreferenceEntries(p.Value, p.Key)));

    public static IEnumerable<LockEntry> HoldEntries(IEnumerable<DpkgPackage> packages) =>
        packages.Where(p => p.IsHeld && DebianKernelPackages.IsKernelName(p.Name))
            .Select(p => new LockEntry(LockStore.DpkgHold, AptMarkSource, p.Name, p.Name, p.Version, DebianKernelPackages.KernelVersionOf(p.Name), KernelLockKind.Hold, $"{p.Name} hold"));

    public static IEnumerable<LockEntry> PreferenceEntries(string text, string source)
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

    public Failure? Refusal(LockSnapshot snapshot, string kernelVersion) => null;

    public void Pin(LockSnapshot snapshot, LockPlanBuilder plan, string kernelVersion)
    {
        var dpkg = snapshot.Stores.DpkgPackages ?? Array.Empty<DpkgPackage>();
        var packages = DebianKernelPackages.OfRelease(dpkg, kernelVersion);
        if (packages.Count == 0)
        {
            plan.Refuse(LockFailures.KernelNotFound(kernelVersion, snapshot.RootPath, "dpkg"));
            return;
        }
        var wanted = packages.Concat(DebianKernelPackages.Metapackages(dpkg)).DistinctBy(p => p.Name).ToList();
        foreach (var held in wanted.Where(p => p.IsHeld))
        {
            plan.Notes.Add($"{held.Name} is already on hold.");
        }
        var toHold = wanted.Where(p => !p.IsHeld).Select(p => p.Name).ToList();
        if (toHold.Count == 0)
        {
            return;
        }
        plan.Add(LockStore.DpkgHold, AptMark(snapshot, plan.Target, "hold", toHold, undo: "unhold"));
        foreach (var name in toHold)
        {
            plan.Expect(LockExpectation.Present(LockStore.DpkgHold, name, AptMarkSource));
        }
    }

    public void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release)
    {
        if (!AptPreferencesFile.NamesOneAbi(release))
        {
            plan.Refuse(LockFailures.ExcludeTooBroad(release,
                $"Excluding '{release}' on Debian pins {AptPreferencesFile.ExcludePattern(release)} away, which blocks every kernel ABI whose release starts with {release}, not one kernel."));
            return;
        }
        var path = AptPreferencesFile.KmodPSPath;
        var pattern = AptPreferencesFile.ExcludePattern(release);
        var key = $"{pattern}|{pattern}";
        if (snapshot.Entries.Any(e => e.Store == LockStore.AptPreferences && e.Key == key))
        {
            plan.Notes.Add($"{release} is already excluded in {path}.");
            return;
        }
        var stanza = AptPreferencesFile.ExcludeStanza(release);
        plan.Add(LockStore.AptPreferences, LockStateFile.Edit($"append to {path}: {stanza.TrimEnd().Replace("\n", "; ")}", path,
            text => AptPreferencesFile.Append(text ?? string.Empty, stanza)));
        plan.Expect(LockExpectation.Present(LockStore.AptPreferences, key, path));
        plan.Touch(path);
    }

    public void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets)
    {
        var holds = targets.Where(t => t.Store == LockStore.DpkgHold).Select(t => t.Key).ToList();
        if (holds.Count > 0)
        {
            if (snapshot.Backend != this || snapshot.Program is null)
            {
                plan.Refuse(LockFailures.PackageManagerNotFound(plan.Target, this, snapshot.RootPath));
                return;
            }
            plan.Add(LockStore.DpkgHold, AptMark(snapshot, plan.Target, "unhold", holds, undo: "hold"));
        }
        foreach (var file in targets.Where(t => t.Store == LockStore.AptPreferences).GroupBy(t => t.Source))
        {
            var packages = file.Select(t => t.Key.Split('|')[0]).ToHashSet(StringComparer.Ordinal);
            string? Edit(string? text)
            {
                if (text is null)
                {
                    return null;
                }
                var result = AptPreferencesFile.Remove(text, AptPreferencesFile.Parse(text).Where(s => s.Priority < 0 && packages.Contains(s.Package)));
                return result.Length == 0 && file.Key == AptPreferencesFile.KmodPSPath ? null : result;
            }
            var current = snapshot.Stores.AptPreferences.FirstOrDefault(p => p.Key == file.Key).Value;
            plan.Add(LockStore.AptPreferences, LockStateFile.Edit(
                Edit(current) is null ? $"delete {file.Key}" : $"remove from {file.Key}: Package: {string.Join(", ", packages)}", file.Key, Edit));
            plan.Touch(file.Key);
        }
    }

    public Failure Classify(CommandResult result, string kernel)
    {
        var output = LockBackends.Output(result);
        return LockBackends.CommandFailed(result, kernel,
            output.Contains("Could not get lock", StringComparison.Ordinal)
            || output.Contains("Unable to acquire the dpkg frontend lock", StringComparison.Ordinal)
            || output.Contains("lock was locked by another process", StringComparison.Ordinal)
            || output.Contains("dpkg status database is locked", StringComparison.Ordinal));
    }

    public IEnumerable<string> Traps(LockSnapshot snapshot, bool locking)
    {
        if (locking || snapshot.Stores.DpkgPackages is not { } dpkg)
        {
            yield break;
        }
        var heldVersioned = dpkg.Where(p => p.IsHeld && p.IsInstalled && DebianKernelPackages.KernelVersionOf(p.Name) is not null && p.Name.StartsWith("linux-image-", StringComparison.Ordinal)).ToList();
        var unheldMeta = DebianKernelPackages.Metapackages(dpkg).Where(p => !p.IsHeld).Select(p => p.Name).ToList();
        if (heldVersioned.Count > 0 && unheldMeta.Count > 0)
        {
            yield return $"{string.Join(", ", heldVersioned.Select(p => p.Name))} {(heldVersioned.Count == 1 ? "is" : "are")} held but {string.Join(", ", unheldMeta)} {(unheldMeta.Count == 1 ? "is" : "are")} not: upgrading a metapackage installs a new kernel ABI anyway. Hold them too (Lock-Kernel does) or use Lock-Kernel -Exclude for the ABI to keep out.";
        }
    }

    // Unlocking one Debian pin must not release the metapackage holds another KmodPS pin still relies on.
    public static void KeepSharedMetapackageHolds(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets, IReadOnlyList<string> kernelVersions)
    {
        if (kernelVersions.Count == 0 || snapshot.Stores.DpkgPackages is null)
        {
            return;
        }
        var remainingPins = snapshot.Records
            .Where(r => r.Store == LockStore.DpkgHold && r.Kind == KernelLockKind.Hold && !kernelVersions.Any(k => KernelRelease.Same(r.KernelVersion, k)))
            .Select(r => r.KernelVersion).Distinct().ToList();
        if (remainingPins.Count == 0)
        {
            return;
        }
        foreach (var meta in targets.Where(t => t.Store == LockStore.DpkgHold && t.KernelVersion is null).ToList())
        {
            if (snapshot.Records.FirstOrDefault(r => r.Matches(meta)) is not { } record)
            {
                continue;
            }
            targets.Remove(meta);
            plan.RecordsToReassign[record] = remainingPins[0];
            plan.Notes.Add($"{meta.Package} stays on hold: the KmodPS pin of {remainingPins[0]} still needs it.");
        }
    }

    // A name, glob (linux-*-6.1.0-57-amd64*) or /regex/ of apt preferences that selects kernel packages.
    private static bool IsKernelPattern(string pattern) =>
        DebianKernelPackages.IsKernelName(pattern) || pattern.StartsWith("linux-*", StringComparison.Ordinal) || pattern.StartsWith("/^?linux-", StringComparison.Ordinal) || pattern.StartsWith("/linux-", StringComparison.Ordinal);

    // apt reads files without an extension or ending in .pref whose names use only [A-Za-z0-9_.-].
    private static bool IsAptPreferencesName(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && (!name.Contains('.') || name.EndsWith(".pref", StringComparison.Ordinal));

    // dpkg's status file is dpkg's database, not a file KmodPS rewrites: a hold is undone by the unhold of the same
    // packages, and the other way round.
    private static CommandChange AptMark(LockSnapshot snapshot, string target, string verb, IReadOnlyList<string> packages, string? undo = null)
    {
        var arguments = new List<string>();
        if (!snapshot.IsHostRoot)
        {
            arguments.AddRange(new[] { "-o", "Dir=" + snapshot.RootPath, "-o", "DPkg::Options::=--root=" + snapshot.RootPath });
        }
        arguments.Add(verb);
        arguments.AddRange(packages);
        var request = new CommandRequest(snapshot.Program ?? "apt-mark", arguments) { Timeout = TimeSpan.FromMinutes(5) };
        return LockBackends.Apt.Command(target, request, PrefixToolDirectories.Apt, undo: undo is null ? null : AptMark(snapshot, target, undo, packages));
    }
}

/// <summary>
/// apt_preferences(5) stanzas (<c>Package</c>, <c>Pin</c>, <c>Pin-Priority</c>, <c>Explanation</c>), with the lines
/// each spans; a negative Pin-Priority keeps the matching versions from being installed.
/// </summary>
internal static partial class AptPreferencesFile
{
    public const string MainPath = "/etc/apt/preferences";
    public const string Directory = "/etc/apt/preferences.d";

    /// <summary>The file KmodPS keeps its excludes in (apt reads files without extension or ending in <c>.pref</c>).</summary>
    public const string KmodPSPath = "/etc/apt/preferences.d/kmodps-kernel-exclude.pref";

    public static IReadOnlyList<AptPreference> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var stanzas = new List<AptPreference>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var first = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i] : string.Empty;
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    stanzas.Add(new AptPreference(fields.GetValueOrDefault("Package") ?? string.Empty, fields.GetValueOrDefault("Pin") ?? string.Empty,
                        int.TryParse(fields.GetValueOrDefault("Pin-Priority"), out var priority) ? priority : 0, fields.GetValueOrDefault("Explanation"), first, i - first));
                    fields.Clear();
                }
                first = -1;
                continue;
            }
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            if (first < 0)
            {
                first = i;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            fields[key] = key.Equals("Explanation", StringComparison.OrdinalIgnoreCase) && fields.TryGetValue(key, out var earlier) ? earlier + " " + value : value;
        }
        return stanzas;
    }

    /// <summary>The stanza KmodPS writes to keep every package of one kernel release out.</summary>
    public static string ExcludeStanza(string kernelVersion) =>
        $"Explanation: KmodPS Lock-Kernel -Exclude {kernelVersion}\nPackage: {ExcludePattern(kernelVersion)}\nPin: version *\nPin-Priority: -1\n";

    /// <summary>The glob matching every package of one release (<c>linux-*-6.1.0-57-amd64*</c>).</summary>
    public static string ExcludePattern(string kernelVersion) => $"linux-*-{kernelVersion}*";

    /// <summary>
    /// True for a release that names one Debian kernel ABI with its flavour (<c>6.1.0-57-amd64</c>, <c>6.8.0-45-generic</c>):
    /// its exclude pattern then matches that ABI's packages only, never a metapackage (<c>linux-image-amd64</c>) or every kernel.
    /// </summary>
    public static bool NamesOneAbi(string release) => OneAbi().IsMatch(release);

    [GeneratedRegex(@"^[0-9]+\.[0-9]+[^-]*(-[A-Za-z0-9.+~_]+)*-[a-z][a-z0-9.+~_]*\z")]
    private static partial Regex OneAbi();

    /// <summary>Appends a stanza, separated from earlier ones by one blank line.</summary>
    public static string Append(string text, string stanza)
    {
        if (text.Length == 0)
        {
            return stanza;
        }
        var body = text.EndsWith('\n') ? text : text + "\n";
        return body + (body.EndsWith("\n\n", StringComparison.Ordinal) ? string.Empty : "\n") + stanza;
    }

    /// <summary>Removes stanzas with the blank line that separates each from the previous one.</summary>
    public static string Remove(string text, IEnumerable<AptPreference> stanzas)
    {
        var lines = text.Split('\n').ToList();
        foreach (var stanza in stanzas.OrderByDescending(s => s.FirstLine))
        {
            var start = stanza.FirstLine;
            var count = Math.Min(stanza.LineCount, lines.Count - start);
            // Take the separating blank line (before, or after when the stanza is the first one).
            if (start > 0 && lines[start - 1].Trim().Length == 0)
            {
                start--;
                count++;
            }
            else if (start + count < lines.Count - 1 && lines[start + count].Trim().Length == 0)
            {
                count++;
            }
            lines.RemoveRange(start, count);
        }
        var result = string.Join('\n', lines);
        return result.Trim().Length == 0 ? string.Empty : result;
    }
}

/// <summary>One apt preferences stanza.</summary>
internal sealed record AptPreference(string Package, string Pin, int Priority, string? Explanation, int FirstLine, int LineCount)
{
    /// <summary>The package names, globs or <c>/regex/</c> of the Package field.</summary>
    public IReadOnlyList<string> Patterns => Package.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
