using System.Text.RegularExpressions;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// dnf 4 with the versionlock plugin (RHEL/Alma/Rocky 8-10, older Fedora): <c>versionlock.list</c>. With an alternate
/// root the plugin would open its <c>locklist</c> on the host (it ignores --installroot), so a temporary plugin
/// configuration directory (<c>--setopt=pluginconfpath=</c>) points <c>locklist</c> at the root's file. Unlock edits
/// the list directly (the plugin's delete would rewrite more than asked), after checking no dnf runs in the root.
/// </summary>
internal sealed class Dnf4Locks : DnfLocks
{
    public override string ToolPackage => "dnf";

    public override IReadOnlyList<LockStore> Stores { get; } = new[] { LockStore.DnfVersionlockList };

    public override string? FindProgram(ICommandRunner runner) => (HostDnfIsDnf5(runner) ? null : Find(runner, "dnf")) ?? Find(runner, "dnf-3") ?? Find(runner, "yum");

    public override LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents)
    {
        var path = reader.ReadIfExists(VersionlockListFile.ConfigPath, log) is { } config && VersionlockListFile.LocklistFromConfig(config) is { } configured
            ? TreePath.Normalize(configured)
            : VersionlockListFile.DefaultPath;
        return contents with { VersionlockListPath = path, VersionlockListText = reader.ReadIfExists(path, log) };
    }

    public override IEnumerable<LockEntry> Entries(LockStoreContents contents) =>
        contents.VersionlockListText is not { } text ? Array.Empty<LockEntry>() : Entries(text, contents.VersionlockListPath);

    public static IEnumerable<LockEntry> Entries(string text, string source) =>
        VersionlockListFile.Parse(text)
            .Where(e => RpmKernelPackages.IsKernelName(e.Name))
            .Select(e => new LockEntry(LockStore.DnfVersionlockList, source, e.Line, e.Name, e.Evr,
                RpmKernelPackages.KernelVersionOf(e.Name, e.Version, e.Release, e.Arch), e.IsExclude ? KernelLockKind.Exclude : KernelLockKind.Pin, e.Line));

    public override Failure? Refusal(LockSnapshot snapshot, string kernelVersion) =>
        snapshot.VersionlockPluginInstalled == false ? LockFailures.PluginMissing(kernelVersion) : null;

    protected override string StorePath(LockSnapshot snapshot) => snapshot.Stores.VersionlockListPath;

    protected override string PinKey(RpmPackage package) => package.VersionlockSpec;

    protected override CommandChange Add(LockSnapshot snapshot, string target, RpmPackage package) =>
        Dnf(snapshot, target, new[] { "versionlock", "add", package.Nevra });

    // The plugin reads the list before it appends, and fails when the file does not exist yet.
    protected override void BeforeAdding(LockSnapshot snapshot, LockPlanBuilder plan)
    {
        var path = snapshot.Stores.VersionlockListPath;
        if (snapshot.Stores.VersionlockListText is not null || plan.ChangesFile(path))
        {
            return;
        }
        plan.Add(LockStore.DnfVersionlockList, FileChange.Edit($"create the empty lock list {path} (the versionlock plugin cannot add to a missing list)", path, text => text ?? string.Empty));
        plan.Touch(path);
    }

    public override void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release)
    {
        if (ExcludeSpec(release, withArch: true) is not { } spec)
        {
            plan.Refuse(LockFailures.InvalidKernelVersion(release, $"'{release}' has no release part (version-release, for example 5.14.0-611.45.1.el9_7): dnf cannot exclude it."));
            return;
        }
        var source = snapshot.Stores.VersionlockListPath;
        var entries = snapshot.Entries.Where(e => e.Store == LockStore.DnfVersionlockList).ToList();
        var pinned = entries.Where(e => e.Kind == KernelLockKind.Pin && KernelRelease.Same(e.KernelVersion, release)).ToList();
        if (pinned.Count > 0)
        {
            plan.Refuse(LockFailures.Conflict(release, $"{release} is pinned in {source} ({string.Join(", ", pinned.Select(e => e.Entry))}): unlock it before excluding it."));
            return;
        }
        var key = "!" + spec;
        if (entries.Any(e => e.Key == key))
        {
            plan.Notes.Add($"{release} is already excluded in {source} ({key}).");
            return;
        }
        BeforeAdding(snapshot, plan);
        // --raw: written as given, no repository lookup.
        plan.Add(LockStore.DnfVersionlockList, Dnf(snapshot, plan.Target, new[] { "versionlock", "exclude", "--raw", spec }));
        plan.Expect(LockExpectation.Present(LockStore.DnfVersionlockList, key, source));
        plan.Touch(source);
    }

    public override void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets)
    {
        var path = snapshot.Stores.VersionlockListPath;
        var lines = targets.Select(t => t.Key).ToList();
        plan.Add(LockStore.DnfVersionlockList, LockStateFile.Edit($"remove from {path}: {string.Join(", ", lines)}", path,
            text => text is null ? null : VersionlockListFile.Remove(text, lines)));
        plan.Touch(path);
    }

    public override Failure Classify(CommandResult result, string kernel)
    {
        var output = LockBackends.Output(result);
        var locked = result.ExitCode == 200 || output.Contains("already locked by", StringComparison.Ordinal);
        return !locked && VersionlockPlugin.IsMissingIn(output) ? LockFailures.PluginMissing(kernel) : LockBackends.CommandFailed(result, kernel, locked);
    }

    private static CommandChange Dnf(LockSnapshot snapshot, string target, IEnumerable<string> command)
    {
        var (arguments, files, environment) = ForRoot(snapshot);
        if (!snapshot.IsHostRoot)
        {
            arguments.Add("--setopt=pluginconfpath=" + snapshot.TemporaryDirectory);
            files.Insert(0, new TemporaryFile(Path.Combine(snapshot.TemporaryDirectory, "versionlock.conf"),
                $"[main]\nenabled = 1\nlocklist = {snapshot.VersionlockListToolPath ?? snapshot.MapPath(snapshot.Stores.VersionlockListPath)}\n"));
        }
        arguments.AddRange(new[] { "--disableplugin=*", "--enableplugin=versionlock", "--disablerepo=*", "--setopt=exit_on_lock=True", "-q" });
        arguments.AddRange(command);
        var request = new CommandRequest(snapshot.Program ?? "dnf", arguments) { Environment = environment, Timeout = TimeSpan.FromMinutes(5) };
        // The list dnf is told to use (locklist=) must still resolve inside the root.
        return LockBackends.Dnf4.Command(target, request, PrefixToolDirectories.Dnf, files, jail => jail.ToolPath(snapshot.Stores.VersionlockListPath));
    }
}

/// <summary>
/// dnf 4's process locks (<c>*_lock.pid</c> in the cache and persist directories of the root): a pid file naming a
/// live process means another dnf is running. Checked before KmodPS edits a dnf lock file directly.
/// </summary>
internal static class DnfProcessLock
{
    private static readonly string[] PidFiles =
    {
        "/var/cache/dnf/metadata_lock.pid", "/var/cache/dnf/download_lock.pid", "/var/lib/dnf/rpmdb_lock.pid", "/var/log/log_lock.pid",
    };

    /// <summary>The pid of a live process holding one of dnf's locks under the root, or null.</summary>
    public static int? Holder(ISystemRoot root)
    {
        foreach (var file in PidFiles.Where(root.FileExists))
        {
            string text;
            try
            {
                text = root.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (int.TryParse(text, out var pid) && pid > 0 && pid != Environment.ProcessId && Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
        return null;
    }
}

/// <summary>
/// Whether the host's dnf 4 has the versionlock plugin (<c>dnf-plugins/versionlock.py</c> in a Python library
/// directory). dnf runs from the host even for an alternate root, so the host's plugin is the one that matters.
/// </summary>
internal static class VersionlockPlugin
{
    /// <summary>The package to install, by distribution family naming.</summary>
    public const string PackageNames = "python3-dnf-plugin-versionlock (RHEL, Alma, Rocky, Fedora) or dnf-plugins-core (Debian, Ubuntu)";

    private static readonly string[] LibraryDirectories = { "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64" };

    /// <summary>True when a versionlock.py is found next to dnf's other plugins on this machine.</summary>
    public static bool IsInstalled()
    {
        foreach (var library in LibraryDirectories.Where(Directory.Exists))
        {
            IEnumerable<string> pythons;
            try
            {
                pythons = Directory.EnumerateDirectories(library, "python3*");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var python in pythons)
            {
                if (new[] { "site-packages", "dist-packages" }.Any(p => File.Exists(Path.Combine(python, p, "dnf-plugins", "versionlock.py"))))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>True when dnf's output says the command does not exist (the plugin is missing or was not loaded).</summary>
    public static bool IsMissingIn(string standardError) =>
        standardError.Contains("No such command: versionlock", StringComparison.Ordinal)
        || standardError.Contains("Unknown argument \"versionlock\"", StringComparison.Ordinal);
}

/// <summary>The dnf 4 versionlock.list: lock lines, comments (<c>#</c>) and blank lines, as the plugin reads it.</summary>
internal static class VersionlockListFile
{
    public const string DefaultPath = "/etc/dnf/plugins/versionlock.list";
    public const string ConfigPath = "/etc/dnf/plugins/versionlock.conf";

    /// <summary>The lock lines (comments and blank lines skipped, like the plugin's <c>_read_locklist</c>).</summary>
    public static IReadOnlyList<VersionlockListEntry> Parse(string text) =>
        text.Split('\n')
            .Where(l => !l.StartsWith('#') && l.Trim().Length > 0)
            .Select(VersionlockListEntry.Parse)
            .ToList();

    /// <summary>
    /// Removes every copy of the given lock lines, as <c>versionlock delete</c> does (the plugin strips the blanks
    /// around a line, so a padded copy is the same lock). The plugin appends <c>"\n# Added lock on DATE\n" + line + "\n"</c>
    /// (or <c># Added exclude on</c>); when a line is the last one under such a comment, that whole block goes, so
    /// removing what <c>versionlock add</c> appended gives back the file's previous bytes. Everything else stays as it is.
    /// </summary>
    public static string Remove(string text, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var escaped = Regex.Escape(line);
            var block = new Regex(@"\n# Added (?:lock|exclude) on [^\n]*\n[^\S\n]*" + escaped + @"[^\S\n]*(?:\n(?=\n|#|\z)|\z)");
            var single = new Regex(@"(?<=^|\n)[^\S\n]*" + escaped + @"[^\S\n]*(?:\n|\z)");
            while (true)
            {
                var match = block.Match(text);
                if (!match.Success)
                {
                    match = single.Match(text);
                }
                if (!match.Success)
                {
                    break;
                }
                text = text.Remove(match.Index, match.Length);
            }
        }
        return text;
    }

    /// <summary>The <c>locklist</c> path of a versionlock.conf (INI <c>[main]</c>), or null.</summary>
    public static string? LocklistFromConfig(string configText)
    {
        var inMain = false;
        foreach (var raw in configText.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inMain = line == "[main]";
                continue;
            }
            var equals = line.IndexOf('=');
            if (inMain && equals > 0 && line[..equals].Trim() == "locklist")
            {
                var value = line[(equals + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }
        return null;
    }
}

/// <summary>
/// One lock line of a dnf 4 versionlock.list: <c>kernel-0:5.14.0-611.41.1.el9_7.*</c> (pin) or
/// <c>!kernel*-5.14.0-611.45.1.el9_7.*</c> (exclude), split like the plugin's NEVRA forms.
/// </summary>
internal sealed record VersionlockListEntry(string Line, bool IsExclude, string Name, string? Epoch, string? Version, string? Release, string? Arch)
{
    /// <summary>The spec without the <c>!</c> prefix.</summary>
    public string Spec => IsExclude ? Line[1..] : Line;

    /// <summary><c>epoch:version-release</c> (epoch only when written), or null for a bare name.</summary>
    public string? Evr => Version is null ? null : $"{(Epoch is null ? string.Empty : Epoch + ":")}{Version}{(Release is null ? string.Empty : "-" + Release)}";

    /// <summary>Parses one non-comment line; the plugin's own form is <c>name-epoch:version-release.arch</c>.</summary>
    public static VersionlockListEntry Parse(string line)
    {
        var text = line.Trim();
        var isExclude = text.StartsWith('!');
        var spec = isExclude ? text[1..] : text;
        string? arch = null;
        var body = spec;
        var lastDot = spec.LastIndexOf('.');
        var lastDash = spec.LastIndexOf('-');
        if (lastDot > lastDash && lastDash > 0)
        {
            arch = spec[(lastDot + 1)..];
            body = spec[..lastDot];
        }
        var releaseDash = body.LastIndexOf('-');
        var versionDash = releaseDash > 0 ? body.LastIndexOf('-', releaseDash - 1) : -1;
        if (releaseDash <= 0 || versionDash <= 0 || !char.IsDigit(body[versionDash + 1]) && body.IndexOf(':', versionDash) < 0)
        {
            return new VersionlockListEntry(text, isExclude, spec, null, null, null, null);
        }
        var name = body[..versionDash];
        var version = body[(versionDash + 1)..releaseDash];
        var release = body[(releaseDash + 1)..];
        string? epoch = null;
        var colon = version.IndexOf(':');
        if (colon >= 0)
        {
            epoch = version[..colon];
            version = version[(colon + 1)..];
        }
        return new VersionlockListEntry(text, isExclude, name, epoch, version, release, arch);
    }
}
