using System.Text;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// dnf 5 versionlock (Fedora 41 and later): <c>/etc/dnf/versionlock.toml</c>. dnf 5 resolves an exclude spec against
/// the repositories (every available package of the release). <c>versionlock delete NAME</c> removes every entry of
/// NAME, so Unlock uses it only when all of them go, and edits the file otherwise.
/// </summary>
internal sealed class Dnf5Locks : DnfLocks
{
    public override string ToolPackage => "dnf5";

    public override IReadOnlyList<LockStore> Stores { get; } = new[] { LockStore.DnfVersionlockToml };

    public override string? FindProgram(ICommandRunner runner) => Find(runner, "dnf5") ?? (HostDnfIsDnf5(runner) ? "dnf" : null);

    public override LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents) =>
        contents with { VersionlockTomlText = reader.ReadIfExists(contents.VersionlockTomlPath, log) };

    public override IEnumerable<LockEntry> Entries(LockStoreContents contents) =>
        contents.VersionlockTomlText is not { } text ? Array.Empty<LockEntry>() : Entries(text, contents.VersionlockTomlPath);

    public static IEnumerable<LockEntry> Entries(string text, string source)
    {
        foreach (var package in VersionlockTomlFile.Parse(text).Where(p => RpmKernelPackages.IsKernelName(p.Name)))
        {
            if (package.IsExclude)
            {
                foreach (var condition in package.Conditions)
                {
                    yield return new LockEntry(LockStore.DnfVersionlockToml, source, Key(package.Name, new[] { condition }), package.Name, condition.Value,
                        KernelVersionOfEvr(package.Name, condition.Value), KernelLockKind.Exclude, $"{package.Name}: {condition}");
                }
                continue;
            }
            var single = package.Conditions.Count == 1 && package.Conditions[0] is { Key: "evr", Comparator: "=" or "==" } ? package.Conditions[0].Value : null;
            var version = single ?? string.Join(", ", package.Conditions.Select(c => $"{c.Comparator} {c.Value}"));
            yield return new LockEntry(LockStore.DnfVersionlockToml, source, Key(package.Name, package.Conditions), package.Name, version.Length == 0 ? null : version,
                single is null ? null : KernelVersionOfEvr(package.Name, single), KernelLockKind.Pin,
                $"{package.Name}: {string.Join(", ", package.Conditions)}");
        }
    }

    /// <summary>The key of a dnf 5 entry: name and conditions.</summary>
    public static string Key(string name, IEnumerable<VersionlockCondition> conditions) => $"{name}|{string.Join("|", conditions)}";

    protected override string StorePath(LockSnapshot snapshot) => snapshot.Stores.VersionlockTomlPath;

    protected override string PinKey(RpmPackage package) => Key(package.Name, new[] { new VersionlockCondition("evr", "=", package.Evr) });

    protected override CommandChange Add(LockSnapshot snapshot, string target, RpmPackage package) =>
        Dnf(snapshot, target, new[] { "--disable-repo=*", "versionlock", "add", package.Nevra });

    public override void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release)
    {
        if (ExcludeSpec(release, withArch: false) is not { } spec)
        {
            plan.Refuse(LockFailures.InvalidKernelVersion(release, $"'{release}' has no release part (version-release): dnf5 cannot exclude it."));
            return;
        }
        var source = snapshot.Stores.VersionlockTomlPath;
        bool Excluded(IReadOnlyList<LockEntry> entries) =>
            entries.Any(e => e.Store == LockStore.DnfVersionlockToml && e.Kind == KernelLockKind.Exclude && KernelRelease.Same(e.KernelVersion, release));
        if (Excluded(snapshot.Entries))
        {
            plan.Notes.Add($"{release} is already excluded in {source}.");
            return;
        }
        plan.Add(LockStore.DnfVersionlockToml, Dnf(snapshot, plan.Target, new[] { "versionlock", "exclude", spec }));
        plan.Expect(new LockExpectation($"an exclude of {release} in {source}", Excluded));
        plan.Touch(source);
    }

    public override void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets)
    {
        var path = snapshot.Stores.VersionlockTomlPath;
        var text = snapshot.Stores.VersionlockTomlText ?? string.Empty;
        var packages = VersionlockTomlFile.Parse(text);
        var targetKeys = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        bool Targeted(VersionlockTomlPackage p) =>
            targetKeys.Contains(Key(p.Name, p.Conditions)) || p.IsExclude && p.Conditions.All(c => targetKeys.Contains(Key(p.Name, new[] { c })));
        foreach (var partial in packages.Where(p => p.IsExclude && !Targeted(p) && p.Conditions.Any(c => targetKeys.Contains(Key(p.Name, new[] { c })))))
        {
            plan.Warnings.Add($"The {partial.Name} entry of {path} also excludes versions KmodPS is not removing; it is left as it is: remove the condition by hand if needed.");
            targets.RemoveAll(t => t.Package == partial.Name && t.Kind == KernelLockKind.Exclude);
        }
        var whole = packages.Where(Targeted).ToList();
        var deleteByTool = snapshot.Program is not null && snapshot.Backend == this
            ? whole.GroupBy(p => p.Name).Where(g => packages.Count(p => p.Name == g.Key) == g.Count()).Select(g => g.Key).ToList()
            : new List<string>();
        foreach (var name in deleteByTool)
        {
            plan.Add(LockStore.DnfVersionlockToml, Dnf(snapshot, plan.Target, new[] { "--disable-repo=*", "versionlock", "delete", name }));
        }
        var edited = whole.Where(p => !deleteByTool.Contains(p.Name)).ToList();
        if (edited.Count > 0)
        {
            var keys = edited.Select(p => Key(p.Name, p.Conditions)).ToHashSet(StringComparer.Ordinal);
            plan.Add(LockStore.DnfVersionlockToml, LockStateFile.Edit(
                $"remove from {path}: {string.Join(", ", edited.Select(p => $"{p.Name} ({string.Join(", ", p.Conditions)})"))}", path,
                current => current is null ? null : VersionlockTomlFile.Remove(current, VersionlockTomlFile.Parse(current).Where(p => keys.Contains(Key(p.Name, p.Conditions))))));
        }
        plan.Touch(path);
    }

    public override Failure Classify(CommandResult result, string kernel)
    {
        var output = LockBackends.Output(result);
        return LockBackends.CommandFailed(result, kernel,
            output.Contains("Failed to obtain", StringComparison.OrdinalIgnoreCase) && output.Contains("lock", StringComparison.OrdinalIgnoreCase)
            || output.Contains("already locked", StringComparison.OrdinalIgnoreCase));
    }

    public override IEnumerable<string> Traps(LockSnapshot snapshot, bool locking)
    {
        foreach (var trap in base.Traps(snapshot, locking))
        {
            yield return trap;
        }
        if (locking || snapshot.Entries.Any(e => e.Store == LockStore.DnfVersionlockToml && e.Kind == KernelLockKind.Pin))
        {
            var limit = snapshot.Dnf.InstallOnlyLimit;
            yield return $"dnf5 removes the oldest kernels beyond installonly_limit={limit} even when versionlock pins them (dnf5#2368): a pinned kernel can be removed when {limit} newer kernels are installed. Raise installonly_limit in /etc/dnf/dnf.conf or keep fewer kernels installed.";
        }
    }

    private static CommandChange Dnf(LockSnapshot snapshot, string target, IEnumerable<string> command)
    {
        var (arguments, files, environment) = ForRoot(snapshot);
        arguments.Add("-q");
        arguments.AddRange(command);
        var request = new CommandRequest(snapshot.Program ?? "dnf5", arguments) { Environment = environment, Timeout = TimeSpan.FromMinutes(5) };
        return LockBackends.Dnf5.Command(target, request, PrefixToolDirectories.Dnf, files);
    }

    private static string? KernelVersionOfEvr(string name, string evr)
    {
        var colon = evr.IndexOf(':');
        var versionRelease = colon >= 0 ? evr[(colon + 1)..] : evr;
        var dash = versionRelease.LastIndexOf('-');
        return dash > 0 ? RpmKernelPackages.KernelVersionOf(name, versionRelease[..dash], versionRelease[(dash + 1)..], null) : null;
    }
}

/// <summary>
/// Reads dnf 5's <c>/etc/dnf/versionlock.toml</c> (<c>version = "1.0"</c>, <c>[[packages]]</c> with <c>name</c>,
/// <c>comment</c> and <c>[[packages.conditions]]</c> or an inline <c>conditions = [{...}]</c> array) and removes
/// whole entries by line range. Only the subset of TOML that libdnf5 writes is understood.
/// </summary>
internal static class VersionlockTomlFile
{
    public const string DefaultPath = "/etc/dnf/versionlock.toml";

    public static IReadOnlyList<VersionlockTomlPackage> Parse(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n');
        var packages = new List<VersionlockTomlPackage>();
        string? name = null;
        string? comment = null;
        List<VersionlockCondition> conditions = new();
        Dictionary<string, string>? condition = null;
        var first = -1;
        var section = string.Empty;

        void FlushCondition()
        {
            if (condition is not null)
            {
                conditions.Add(ToCondition(condition));
                condition = null;
            }
        }

        void FlushPackage(int end)
        {
            FlushCondition();
            if (first >= 0 && name is not null)
            {
                packages.Add(new VersionlockTomlPackage(name, comment, conditions, first, end - first));
            }
            name = null;
            comment = null;
            conditions = new List<VersionlockCondition>();
            first = -1;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = TomlText.StripComment(lines[i]).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("[[", StringComparison.Ordinal))
            {
                section = line.Trim('[', ']', ' ');
                if (section == "packages")
                {
                    FlushPackage(StartOfBlock(lines, i));
                    first = StartOfBlock(lines, i);
                }
                else if (section == "packages.conditions")
                {
                    FlushCondition();
                    condition = new Dictionary<string, string>(StringComparer.Ordinal);
                }
                continue;
            }
            if (line.StartsWith('['))
            {
                FlushPackage(StartOfBlock(lines, i));
                section = line.Trim('[', ']', ' ');
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var key = line[..equals].Trim().Trim('"');
            var value = line[(equals + 1)..].Trim();
            if (section == "packages.conditions" && condition is not null)
            {
                condition[key] = TomlText.ParseString(value);
            }
            else if (section == "packages" && first >= 0)
            {
                switch (key)
                {
                    case "name":
                        name = TomlText.ParseString(value);
                        break;
                    case "comment":
                        comment = TomlText.ParseString(value);
                        break;
                    case "conditions":
                        var inline = new StringBuilder(value);
                        while (!TomlText.Balanced(inline.ToString()) && i + 1 < lines.Length)
                        {
                            inline.Append(' ').Append(TomlText.StripComment(lines[++i]).Trim());
                        }
                        conditions.AddRange(ParseInlineConditions(inline.ToString()));
                        break;
                }
            }
        }
        FlushPackage(lines.Length);
        return packages;
    }

    /// <summary>Removes whole <c>[[packages]]</c> entries (their line ranges); the rest of the text is kept byte for byte.</summary>
    public static string Remove(string text, IEnumerable<VersionlockTomlPackage> packages)
    {
        var lines = text.Split('\n').ToList();
        foreach (var package in packages.OrderByDescending(p => p.FirstLine))
        {
            var count = Math.Min(package.LineCount, lines.Count - package.FirstLine);
            lines.RemoveRange(package.FirstLine, count);
        }
        return string.Join('\n', lines);
    }

    // A block starts at its header; comment lines directly above a header belong to it.
    private static int StartOfBlock(string[] lines, int header)
    {
        var start = header;
        while (start > 0 && lines[start - 1].TrimStart().StartsWith('#'))
        {
            start--;
        }
        return start;
    }

    private static VersionlockCondition ToCondition(IReadOnlyDictionary<string, string> values) =>
        new(values.GetValueOrDefault("key") ?? string.Empty, values.GetValueOrDefault("comparator") ?? string.Empty, values.GetValueOrDefault("value") ?? string.Empty);

    private static IEnumerable<VersionlockCondition> ParseInlineConditions(string value)
    {
        var depth = 0;
        var start = -1;
        foreach (var i in TomlText.OutsideStrings(value))
        {
            if (value[i] == '{')
            {
                depth++;
                start = i + 1;
            }
            else if (value[i] == '}' && depth > 0)
            {
                depth--;
                yield return ToCondition(TomlText.ParseInlineTable(value[start..i]));
            }
        }
    }
}

/// <summary>One <c>[[packages]]</c> entry of dnf 5's versionlock.toml, with the lines it spans in the file.</summary>
internal sealed record VersionlockTomlPackage(string Name, string? Comment, IReadOnlyList<VersionlockCondition> Conditions, int FirstLine, int LineCount)
{
    /// <summary>True when every condition is <c>evr != value</c>: what <c>dnf5 versionlock exclude</c> writes.</summary>
    public bool IsExclude => Conditions.Count > 0 && Conditions.All(c => c.Key == "evr" && c.Comparator is "!=" or "<>");
}

/// <summary>A <c>[[packages.conditions]]</c> entry: key (<c>evr</c>, <c>epoch</c>, <c>arch</c>), comparator and value.</summary>
internal sealed record VersionlockCondition(string Key, string Comparator, string Value)
{
    public override string ToString() => $"{Key} {Comparator} {Value}";
}

/// <summary>The bits of TOML syntax libdnf5's versionlock.toml uses: comments, basic and literal strings, inline tables, bracket balance.</summary>
internal static class TomlText
{
    internal static Dictionary<string, string> ParseInlineTable(string body)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in SplitOutsideStrings(body, ','))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                values[pair[..equals].Trim().Trim('"')] = ParseString(pair[(equals + 1)..].Trim());
            }
        }
        return values;
    }

    /// <summary>Indexes of the characters outside TOML strings (quotes and string contents are skipped).</summary>
    internal static IEnumerable<int> OutsideStrings(string text)
    {
        var inString = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString != '\0')
            {
                if (c == '\\' && inString == '"')
                {
                    i++;
                }
                else if (c == inString)
                {
                    inString = '\0';
                }
                continue;
            }
            if (c is '"' or '\'')
            {
                inString = c;
                continue;
            }
            yield return i;
        }
    }

    internal static IEnumerable<string> SplitOutsideStrings(string text, char separator)
    {
        var start = 0;
        foreach (var i in OutsideStrings(text).Where(i => text[i] == separator))
        {
            yield return text[start..i];
            start = i + 1;
        }
        yield return text[start..];
    }

    internal static bool Balanced(string text) =>
        OutsideStrings(text).Sum(i => text[i] is '[' or '{' ? 1 : text[i] is ']' or '}' ? -1 : 0) <= 0;

    internal static string StripComment(string line)
    {
        foreach (var i in OutsideStrings(line))
        {
            if (line[i] == '#')
            {
                return line[..i];
            }
        }
        return line;
    }

    /// <summary>A TOML basic (<c>"..."</c>, with escapes) or literal (<c>'...'</c>) string; other values as written.</summary>
    internal static string ParseString(string value)
    {
        value = value.Trim();
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var builder = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] != '\\' || i + 1 >= value.Length - 1)
            {
                builder.Append(value[i]);
                continue;
            }
            var next = value[++i];
            switch (next)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'u' when i + 4 < value.Length:
                    builder.Append((char)Convert.ToInt32(value.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: builder.Append(next); break;
            }
        }
        return builder.ToString();
    }
}
