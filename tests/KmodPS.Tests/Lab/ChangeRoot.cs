using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Lab;

/// <summary>
/// A private copy of a lab world that KmodPS changes are run against, with what it held before them (the admin's own
/// lock lines, the boot entries) and the invariants every change must leave, however it ended: each check reads the
/// root's files directly (not through KmodPS) and returns what is wrong, one sentence each, empty when all holds.
/// </summary>
public sealed partial class ChangeRoot : IDisposable
{
    public const string Good = "5.14.0-611.41.1.el9_7";
    public const string Middle = "5.14.0-611.45.1.el9_7";
    public const string Newest = "5.14.0-611.49.1.el9_7";

    /// <summary>What the admin pinned before KmodPS: a foreign kernel exclude among them, which Unlock-Kernel must keep.</summary>
    public const string AdminLockList = "# pinned by the admin before KmodPS\nbash-0:5.1.8-9.el9.*\n!kernel-core-0:5.14.0-611.9.1.el9_7.*\n";

    private const string LockList = "etc/dnf/plugins/versionlock.list";
    private const string LockState = "var/lib/kmodps/locks.json";
    private const string GuardState = "var/lib/kmodps/guard.json";
    private const string AptExclude = "etc/apt/preferences.d/kmodps-kernel-exclude.pref";
    private static readonly string[] LockFiles = { "run/lock/kmodps.lock", "var/lib/kmodps/kmodps.lock" };

    private ChangeRoot(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>A <c>cp -a</c> copy of <paramref name="source"/> (a lab world or a prepared template).</summary>
    public static ChangeRoot Copy(string source)
    {
        var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"kmodps-change-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", source, copy);
        return new ChangeRoot(copy);
    }

    public void Dispose() => Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", Path);

    /// <summary>Replaces the root's versionlock.list with <see cref="AdminLockList"/>.</summary>
    public void WriteAdminLocks()
    {
        File.Delete(Full(LockList));
        File.WriteAllText(Full(LockList), AdminLockList);
    }

    /// <summary>The lock lines of versionlock.list (comments and blank lines lock nothing).</summary>
    public List<string> LockLines() => File.Exists(Full(LockList))
        ? File.ReadAllLines(Full(LockList)).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
        : new List<string>();

    /// <summary>The BLS id GRUB boots next: next_entry when set, else saved_entry (null when the grubenv is unreadable).</summary>
    public string? NextBoot()
    {
        var values = GrubEnv(out _);
        return values is null ? null : values.GetValueOrDefault("next_entry") is { Length: > 0 } next ? next : values.GetValueOrDefault("saved_entry");
    }

    /// <summary>The files KmodPS and the tools it runs keep: grubenv a valid 1024-byte block, the JSON states, lock list and apt preferences parse.</summary>
    public List<string> FilesParse()
    {
        var problems = new List<string>();
        if (GrubEnv(out var grubProblem) is null)
        {
            problems.Add(grubProblem!);
        }
        foreach (var json in new[] { LockState, GuardState })
        {
            if (File.Exists(Full(json)))
            {
                try
                {
                    JsonNode.Parse(File.ReadAllText(Full(json)));
                }
                catch (JsonException e)
                {
                    problems.Add($"/{json} is not JSON: {e.Message}");
                }
            }
        }
        if (File.Exists(Full(LockList)))
        {
            problems.AddRange(LockLines().Where(l => !LockLine().IsMatch(l)).Select(l => $"/{LockList} has a line that is no lock: '{l}'"));
        }
        if (File.Exists(Full(AptExclude)))
        {
            var stanzas = File.ReadAllText(Full(AptExclude)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            problems.AddRange(stanzas.Where(s => !s.Split('\n').All(l => l.StartsWith('#') || AptField().IsMatch(l)) || !s.Contains("Pin-Priority:", StringComparison.Ordinal))
                .Select(s => $"/{AptExclude} has a stanza apt cannot read: '{s}'"));
        }
        return problems;
    }

    /// <summary>
    /// Every lock line that the admin did not write is KmodPS's record: in locks.json, or claimed by its recorded intent
    /// (a line that was not there when the intent was written); and no lock is recorded twice.
    /// </summary>
    public List<string> EveryPinRecorded()
    {
        var problems = new List<string>();
        var (records, intent) = State();
        problems.AddRange(records.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => $"{g.Key} is recorded {g.Count()} times in /{LockState}"));
        var admin = AdminLines();
        foreach (var line in LockLines().Where(l => !admin.Contains(l)).Distinct())
        {
            var claimed = records.Contains(line) || (intent is not null && !intent.Contains(line));
            if (!claimed)
            {
                problems.Add($"the pin '{line}' is in /{LockList} but not in KmodPS's record /{LockState}{(intent is null ? string.Empty : " nor claimed by its intent")}");
            }
        }
        return problems;
    }

    /// <summary>Every guard hook in /etc is in the guard's record (guard.json's installation files, pending or confirmed), which Uninstall-KernelUpdateGuard removes by.</summary>
    public List<string> EveryHookRecorded()
    {
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(Full(GuardState)))
        {
            try
            {
                recorded.UnionWith(JsonNode.Parse(File.ReadAllText(Full(GuardState)))?["installation"]?["files"]?.AsArray().Select(f => (string?)f).OfType<string>() ?? Enumerable.Empty<string>());
            }
            catch (JsonException)
            {
                // FilesParse reports it.
            }
        }
        var temporaries = JailTemporaries();
        return GuardFiles().Where(f => f != "/" + GuardState && !temporaries.Contains(f) && File.Exists(Full(f.TrimStart('/'))) && !recorded.Contains(f))
            .Select(f => $"the hook {f} is not in the guard's record /{GuardState}").ToList();
    }

    /// <summary>Whether a KmodPS change holds (or a killed one left) the root's change lock file.</summary>
    public bool ChangeLockExists() => LockFiles.Any(f => File.Exists(Full(f)));

    /// <summary>No change is under way: no intent, the records are exactly KmodPS's lines, and the root's change lock is free.</summary>
    public List<string> Settled()
    {
        var problems = EveryPinRecorded();
        var (records, intent) = State();
        if (intent is not null)
        {
            problems.Add($"/{LockState} still records an intent after a change completed");
        }
        var own = LockLines().Where(l => !AdminLines().Contains(l)).ToHashSet();
        problems.AddRange(records.Where(r => !own.Contains(r)).Select(r => $"/{LockState} records '{r}', which is in no lock store"));
        problems.AddRange(LockFiles.Where(f => !IsFree(Full(f))).Select(f => $"/{f} is still locked"));
        problems.AddRange(JailTemporaries().Select(t => $"a temporary file of an interrupted write is left in the root: {t}"));
        return problems;
    }

    /// <summary>What a root looks like after Unlock-Kernel and Uninstall-KernelUpdateGuard: the admin's locks only, no record, no hook, nothing locked.</summary>
    public List<string> CleanedUp()
    {
        var problems = new List<string>();
        var lines = LockLines();
        var admin = AdminLines();
        if (!lines.SequenceEqual(admin))
        {
            problems.Add($"Unlock-Kernel left /{LockList} with [{string.Join(", ", lines)}] instead of the admin's [{string.Join(", ", admin)}]");
        }
        var (records, intent) = State();
        if (records.Count > 0 || intent is not null)
        {
            problems.Add($"after Unlock-Kernel /{LockState} still records [{string.Join(", ", records)}]{(intent is null ? string.Empty : " and an intent")}");
        }
        problems.AddRange(GuardFiles().Select(f => $"Uninstall-KernelUpdateGuard left {f}"));
        // A killed holder cannot unlink the lock file, and a change with nothing to do takes no lock to remove it: it
        // may stay, but the kernel released the killed holder's flock, so it must lock nothing.
        problems.AddRange(LockFiles.Where(f => !IsFree(Full(f))).Select(f => $"/{f} is still locked"));
        problems.AddRange(JailTemporaries().Select(t => $"a temporary file of an interrupted write is left in the root: {t}"));
        return problems;
    }

    /// <summary>The guard's files: anything named for KmodPS in /etc, and the guard's state.</summary>
    public List<string> GuardFiles()
    {
        var etc = Full("etc");
        var hooks = Directory.EnumerateFileSystemEntries(etc, "*kmodps*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => "/" + System.IO.Path.GetRelativePath(Path, p)).ToList();
        if (File.Exists(Full(GuardState)))
        {
            hooks.Add("/" + GuardState);
        }
        return hooks.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>What a killed process left on this host: its KmodPS temporary directories, mounts of the root.</summary>
    public List<string> HostLeftovers(int processId)
    {
        var problems = Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), $"kmodps-{processId}.*")
            .Select(d => $"the killed process's temporary directory {d} is left on the host").ToList();
        if (File.ReadAllText("/proc/mounts").Contains(Path, StringComparison.Ordinal))
        {
            problems.Add($"a mount under {Path} is left on the host");
        }
        return problems;
    }

    /// <summary>Whether rpm can read the root's package database.</summary>
    public List<string> RpmDatabaseReads()
    {
        var (exit, output) = Shell.Run("rpm", TimeSpan.FromMinutes(2), "--root", Path, "--dbpath", "/var/lib/rpm", "-qa");
        return exit == 0 ? new List<string>() : new List<string> { $"rpm -qa fails on the root ({exit}): {output.Trim()}" };
    }

    /// <summary>The installed packages named <paramref name="name"/>, as rpm -q lists them.</summary>
    public List<string> Rpm(string name)
    {
        var (_, output) = Shell.Run("rpm", TimeSpan.FromMinutes(2), "--root", Path, "--dbpath", "/var/lib/rpm", "-q", name);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("not installed", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    public string Full(string relative) => System.IO.Path.Combine(Path, relative);

    // Every root of these tests starts from AdminLockList (WriteAdminLocks).
    private static List<string> AdminLines() =>
        AdminLockList.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    private (List<string> Records, HashSet<string>? IntentBefore) State()
    {
        if (!File.Exists(Full(LockState)))
        {
            return (new List<string>(), null);
        }
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(Full(LockState)));
        }
        catch (JsonException)
        {
            return (new List<string>(), null);
        }
        var records = document?["locks"]?.AsArray().Select(r => (string?)r?["key"]).OfType<string>().ToList() ?? new List<string>();
        var intent = document?["intent"] is JsonObject i
            ? (i["before"]?.AsArray().Select(b => (string?)b?["key"]).OfType<string>() ?? Enumerable.Empty<string>()).ToHashSet()
            : null;
        return (records, intent);
    }

    // GRUB's environment block: exactly 1024 bytes, its header line, name=value and comment lines, then '#' padding.
    private Dictionary<string, string>? GrubEnv(out string? problem)
    {
        var path = new[] { "boot/grub2/grubenv", "boot/grub/grubenv" }.Select(Full).FirstOrDefault(File.Exists);
        problem = null;
        if (path is null)
        {
            problem = "the root has no grubenv";
            return null;
        }
        var bytes = File.ReadAllBytes(path);
        const string Header = "# GRUB Environment Block\n";
        var text = Encoding.ASCII.GetString(bytes);
        if (bytes.Length != 1024 || !text.StartsWith(Header, StringComparison.Ordinal))
        {
            problem = $"{path} is no GRUB environment block ({bytes.Length} bytes, starts '{text[..Math.Min(30, text.Length)]}')";
            return null;
        }
        var body = text[Header.Length..];
        var padding = body.Length - body.TrimEnd('#').Length;
        var lines = body[..^padding].Split('\n');
        if (lines[^1].Length != 0 || lines[..^1].Any(l => !l.StartsWith('#') && !l.Contains('=', StringComparison.Ordinal)))
        {
            problem = $"{path} has a line without '=' or unpadded content";
            return null;
        }
        var (exit, output) = Shell.Run("grub-editenv", TimeSpan.FromMinutes(1), path, "list");
        if (exit != 0)
        {
            problem = $"grub-editenv cannot read {path}: {output.Trim()}";
            return null;
        }
        return lines[..^1].Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    // RootJail's temporary names: .<name>.kmodps-<pid>.<start>-<guid>.tmp beside the file it replaces.
    private List<string> JailTemporaries() =>
        Directory.EnumerateFiles(Path, ".*.kmodps-*.tmp", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => "/" + System.IO.Path.GetRelativePath(Path, p)).ToList();

    private static bool IsFree(string lockFile)
    {
        try
        {
            // .NET asks for flock(LOCK_EX | LOCK_NB) when opening with FileShare.None.
            new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // name-epoch:version-release.arch glob, or an exclude's !name*-version-release.*
    [GeneratedRegex(@"^!?[A-Za-z0-9._+*-]+-(\d+:)?[A-Za-z0-9._+~^*-]+$")]
    private static partial Regex LockLine();

    [GeneratedRegex(@"^(Package|Pin|Pin-Priority|Explanation): .+$")]
    private static partial Regex AptField();
}
