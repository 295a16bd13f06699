using System.Text.RegularExpressions;

namespace KmodPS.Core.Dkms;

/// <summary>
/// The static assignments of a dkms.conf (a bash fragment dkms sources). Only top-level assignments are
/// taken; assignments inside if/case blocks depend on the kernel and are reported by <see cref="HasConditionalAssignments"/>.
/// </summary>
public sealed partial class DkmsConf
{
    private readonly Dictionary<string, string> _values;

    private DkmsConf(Dictionary<string, string> values, bool conditional, string? syntaxProblem)
    {
        _values = values;
        HasConditionalAssignments = conditional;
        var refused = RefusedByDkms();
        Problem = syntaxProblem is null ? refused
            : syntaxProblem + "; bash stops there and dkms uses only the assignments before it" + (refused is null ? string.Empty : ": " + refused);
    }

    public bool HasConditionalAssignments { get; }

    /// <summary>
    /// What is wrong with this file, or null: bash stops at a fault (<see cref="DkmsConfSyntax"/>; the values are then
    /// those of the lines before it, as dkms gets them), or dkms's
    /// <c>read_conf</c> would answer "Bad conf file": no PACKAGE_NAME or PACKAGE_VERSION, or a module record without a
    /// name, with a name ending in .o or .ko, or without a DEST_MODULE_LOCATION under /kernel, /updates or /extra; or no
    /// module record at all (dkms 3.0 refuses that, later versions warn and build nothing).
    /// </summary>
    public string? Problem { get; }

    public string? PackageName => Get("PACKAGE_NAME");

    public string? PackageVersion => Get("PACKAGE_VERSION");

    public string? BuildExclusiveKernel => Get("BUILD_EXCLUSIVE_KERNEL");

    public string? BuildExclusiveArch => Get("BUILD_EXCLUSIVE_ARCH");

    public string? BuildExclusiveConfig => Get("BUILD_EXCLUSIVE_CONFIG");

    /// <summary>
    /// The module file names dkms installs (DEST_MODULE_NAME[n], defaulting to BUILT_MODULE_NAME[n], then PACKAGE_NAME).
    /// A plain <c>BUILT_MODULE_NAME=</c> is element 0, as in bash.
    /// </summary>
    public IReadOnlyList<string> DestModuleNames
    {
        get
        {
            var names = new List<string>();
            for (var i = 0; ; i++)
            {
                var built = Element("BUILT_MODULE_NAME", i);
                var dest = Element("DEST_MODULE_NAME", i);
                if (built is null && dest is null)
                {
                    break;
                }
                names.Add(dest ?? built!);
            }
            if (names.Count == 0 && PackageName is { } package)
            {
                names.Add(package);
            }
            return names;
        }
    }

    private string? RefusedByDkms()
    {
        if (HasConditionalAssignments)
        {
            return null;
        }
        var missing = new[] { "PACKAGE_NAME", "PACKAGE_VERSION" }.Where(k => string.IsNullOrEmpty(Get(k))).ToList();
        if (missing.Count > 0)
        {
            return $"it sets no {string.Join(" and no ", missing)}, so dkms refuses it (Bad conf file)";
        }
        // read_conf's checks of each record (index) of the module arrays; values that use variables are not judged.
        var records = new[] { "BUILT_MODULE_NAME", "BUILT_MODULE_LOCATION", "DEST_MODULE_NAME", "DEST_MODULE_LOCATION" }.Max(Count);
        if (records == 0)
        {
            return "it defines no module (no BUILT_MODULE_NAME or DEST_MODULE_LOCATION), so dkms 3.0 refuses it (Bad conf file) and later versions build nothing";
        }
        for (var index = 0; index < records; index++)
        {
            var built = Element("BUILT_MODULE_NAME", index) ?? (Count("DEST_MODULE_LOCATION") == 1 ? PackageName : null);
            var dest = Element("DEST_MODULE_NAME", index) ?? built;
            var location = Element("DEST_MODULE_LOCATION", index);
            var fault = string.IsNullOrEmpty(built) ? "no BUILT_MODULE_NAME"
                : built.EndsWith(".o", StringComparison.Ordinal) || built.EndsWith(".ko", StringComparison.Ordinal) ? "a BUILT_MODULE_NAME ending in .o or .ko"
                : dest!.EndsWith(".o", StringComparison.Ordinal) || dest.EndsWith(".ko", StringComparison.Ordinal) ? "a DEST_MODULE_NAME ending in .o or .ko"
                : string.IsNullOrEmpty(location) ? "no DEST_MODULE_LOCATION"
                : !location.Contains('$') && !new[] { "/kernel", "/updates", "/extra" }.Any(p => location.StartsWith(p, StringComparison.Ordinal))
                    ? $"a DEST_MODULE_LOCATION '{location}' outside /kernel, /updates and /extra"
                : null;
            if (fault is not null)
            {
                return $"record #{index} has {fault}, so dkms refuses it (Bad conf file)";
            }
        }
        return null;
    }

    // The number of elements of a bash array as dkms counts them (${#ARRAY[@]}): the highest index set, plus one.
    private int Count(string array) =>
        _values.Keys.Select(k => k == array ? 0 : k.StartsWith(array + "[", StringComparison.Ordinal) && int.TryParse(k[(array.Length + 1)..^1], out var i) ? i : -1).DefaultIfEmpty(-1).Max() + 1;

    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    private string? Element(string array, int index) => Get($"{array}[{index}]") ?? (index == 0 ? Get(array) : null);

    public static DkmsConf Parse(string text)
    {
        var (fault, runs, _) = DkmsConfSyntax.Analyze(text);
        var lines = DkmsConfSyntax.Analyze(text[..runs]).Lines;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var depth = 0;
        var conditional = false;
        foreach (var rawLine in lines)
        {
            var line = StripComment(rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var firstWord = line.Split(' ', ';')[0];
            if (firstWord is "if" or "case" or "for" or "while" or "until" || line.EndsWith("{", StringComparison.Ordinal))
            {
                depth++;
            }
            if (firstWord is "fi" or "esac" or "done" or "}" || line.EndsWith("; fi", StringComparison.Ordinal) || line.EndsWith(";fi", StringComparison.Ordinal))
            {
                depth = Math.Max(0, depth - 1);
                continue;
            }
            var match = Assignment().Match(line);
            if (!match.Success)
            {
                continue;
            }
            if (depth > 0)
            {
                conditional = true;
                continue;
            }
            values[match.Groups["key"].Value] = Expand(Unquote(match.Groups["value"].Value), values);
        }
        return new DkmsConf(values, conditional, fault);
    }

    private static string StripComment(string line)
    {
        var inQuote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuote != '\0')
            {
                inQuote = c == inQuote ? '\0' : inQuote;
            }
            else if (c is '"' or '\'')
            {
                inQuote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }
        return line;
    }

    private static string Unquote(string value)
    {
        value = value.Trim();
        return value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
    }

    private static string Expand(string value, IReadOnlyDictionary<string, string> known) =>
        Variable().Replace(value, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            return known.TryGetValue(name, out var v) ? v : m.Value;
        });

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)=(?<value>.*)$", RegexOptions.Singleline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
