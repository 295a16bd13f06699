using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// What a root's dnf configuration says about the packages an update may take, read from the files dnf 4 and dnf 5
/// both read: <c>exclude=</c>/<c>excludepkgs=</c> in dnf.conf's <c>[main]</c> (every repository) and in each repository
/// section of <c>/etc/yum.repos.d/*.repo</c>, <c>includepkgs=</c>, <c>installonlypkgs</c> (added to dnf's defaults)
/// and <c>installonly_limit</c>.
/// </summary>
internal sealed record DnfConfiguration(IReadOnlyList<DnfPackageRule> Rules, IReadOnlyList<string> InstallOnlyPackages, int InstallOnlyLimit)
{
    public const string ConfigPath = "/etc/dnf/dnf.conf";
    public const string ReposDirectory = "/etc/yum.repos.d";

    /// <summary>dnf's default <c>installonly_limit</c>.</summary>
    public const int DefaultInstallOnlyLimit = 3;

    public static DnfConfiguration None { get; } = new(Array.Empty<DnfPackageRule>(), Array.Empty<string>(), DefaultInstallOnlyLimit);

    public static DnfConfiguration Read(ISystemRoot root, DiagnosticLog log)
    {
        var rules = new List<DnfPackageRule>();
        var installOnly = new List<string>();
        var limit = DefaultInstallOnlyLimit;
        foreach (var (section, values) in ReadIni(root, ConfigPath, log))
        {
            if (section != "main")
            {
                rules.AddRange(RepositoryRules(section, values, ConfigPath));
                continue;
            }
            rules.AddRange(Exclusions(values).Select(p => new DnfPackageRule(DnfRuleKind.Exclude, null, p, ConfigPath)));
            if (values.TryGetValue("installonlypkgs", out var names))
            {
                installOnly.AddRange(List(names));
            }
            if (values.TryGetValue("installonly_limit", out var text) && int.TryParse(text, out var configured))
            {
                limit = configured;
            }
        }
        foreach (var file in root.ListDirectory(ReposDirectory).Where(n => n.EndsWith(".repo", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var path = $"{ReposDirectory}/{file}";
            rules.AddRange(ReadIni(root, path, log).Where(s => s.Section != "main").SelectMany(s => RepositoryRules(s.Section, s.Values, path)));
        }
        return new DnfConfiguration(rules, installOnly, limit);
    }

    /// <summary>The exclude rules whose pattern matches one of the package names (dnf.conf's and the repositories').</summary>
    public IEnumerable<DnfPackageRule> ExcludesMatching(IEnumerable<string> names)
    {
        var list = names.ToList();
        return Rules.Where(r => r.Kind == DnfRuleKind.Exclude && list.Any(n => DnfPattern.IsMatch(r.Pattern, n)));
    }

    private static IEnumerable<DnfPackageRule> RepositoryRules(string repository, IReadOnlyDictionary<string, string> values, string source) =>
        Exclusions(values).Select(p => new DnfPackageRule(DnfRuleKind.Exclude, repository, p, source))
            .Concat(values.TryGetValue("includepkgs", out var included) && List(included).ToList() is { Count: > 0 } patterns
                ? new[] { new DnfPackageRule(DnfRuleKind.IncludeOnly, repository, string.Join(' ', patterns), source) }
                : Array.Empty<DnfPackageRule>());

    private static IEnumerable<string> Exclusions(IReadOnlyDictionary<string, string> values) =>
        new[] { "exclude", "excludepkgs" }.Where(values.ContainsKey).SelectMany(k => List(values[k]));

    // dnf's list options: separated by commas or white space.
    private static IEnumerable<string> List(string value) => value.Split(new[] { ',', ' ', '\t', '\n' }, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The sections of an INI file as dnf reads it (continuation lines start with white space).</summary>
    private static List<(string Section, IReadOnlyDictionary<string, string> Values)> ReadIni(ISystemRoot root, string path, DiagnosticLog log)
    {
        var sections = new List<(string, IReadOnlyDictionary<string, string>)>();
        string text;
        try
        {
            if (!root.FileExists(path))
            {
                return sections;
            }
            text = root.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"{path} cannot be read ({e.Message}): its exclude= and includepkgs= settings are not taken into account.");
            return sections;
        }
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                sections.Add((trimmed[1..^1].Trim(), current));
                lastKey = null;
                continue;
            }
            if (current is null)
            {
                continue;
            }
            if (char.IsWhiteSpace(line[0]) && lastKey is not null)
            {
                current[lastKey] += " " + trimmed;
                continue;
            }
            var equals = trimmed.IndexOf('=');
            if (equals > 0)
            {
                lastKey = trimmed[..equals].Trim();
                current[lastKey] = trimmed[(equals + 1)..].Trim();
            }
        }
        return sections;
    }
}

internal enum DnfRuleKind
{
    /// <summary><c>exclude=</c>/<c>excludepkgs=</c>: packages matching the pattern are not offered.</summary>
    Exclude,

    /// <summary><c>includepkgs=</c>: only packages matching one of the (space-separated) patterns are offered by the repository.</summary>
    IncludeOnly,
}

/// <summary>One exclude or include setting; <see cref="Repository"/> null for dnf.conf's [main] (every repository).</summary>
internal sealed record DnfPackageRule(DnfRuleKind Kind, string? Repository, string Pattern, string Source)
{
    /// <summary>True when the rule keeps <paramref name="package"/> out of the update.</summary>
    public bool Excludes(RepositoryPackage package)
    {
        if (Repository is not null && package.Repository != Repository)
        {
            return false;
        }
        return Kind == DnfRuleKind.Exclude ? DnfPattern.Matches(Pattern, package) : !Pattern.Split(' ').Any(p => DnfPattern.Matches(p, package));
    }

    public string Describe() => Kind == DnfRuleKind.Exclude
        ? $"exclude={Pattern} in {Source}{(Repository is null ? string.Empty : $" [{Repository}]")}"
        : $"includepkgs={Pattern} in {Source} [{Repository}]";
}

/// <summary>
/// dnf's package patterns (<c>Subject.get_nevra_possibilities</c>): a glob over the name, <c>name.arch</c>,
/// <c>name-version</c>, <c>name-version-release</c> or <c>name-[epoch:]version-release.arch</c>, case-sensitive as fnmatch.
/// </summary>
internal static class DnfPattern
{
    public static bool Matches(string pattern, RepositoryPackage package)
    {
        var glob = Glob(pattern);
        return Forms(package, string.Empty).Concat(Forms(package, "0:")).Any(glob.IsMatch);
    }

    /// <summary>fnmatch: <c>*</c>, <c>?</c> and <c>[...]</c>, case-sensitive.</summary>
    public static bool IsMatch(string pattern, string text) => Glob(pattern).IsMatch(text);

    // Patterns come from a root's few config lines and lock entries, each matched against many packages.
    private static readonly ConcurrentDictionary<string, Regex> Globs = new(StringComparer.Ordinal);

    private static Regex Glob(string pattern) => Globs.GetOrAdd(pattern, p =>
        new("^" + Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".").Replace("\\[", "[") + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static IEnumerable<string> Forms(RepositoryPackage p, string e)
    {
        yield return p.Name;
        yield return $"{p.Name}.{p.Arch}";
        yield return $"{p.Name}-{e}{p.Version}";
        yield return $"{p.Name}-{e}{p.Version}-{p.Release}";
        yield return $"{p.Name}-{e}{p.Version}-{p.Release}.{p.Arch}";
    }
}
