using System.Text.RegularExpressions;

namespace KmodPS.Core.Dkms;

/// <summary>
/// The static assignments of a dkms.conf (a bash fragment dkms sources). Only top-level assignments are
/// taken; assignments inside if/case blocks depend on the kernel and are reported by <see cref="HasConditionalAssignments"/>.
/// </summary>
public sealed partial class DkmsConf
{
    private readonly Dictionary<string, string> _values;

    private DkmsConf(Dictionary<string, string> values, bool conditional)
    {
        _values = values;
        HasConditionalAssignments = conditional;
    }

    public bool HasConditionalAssignments { get; }

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

    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    private string? Element(string array, int index) => Get($"{array}[{index}]") ?? (index == 0 ? Get(array) : null);

    public static DkmsConf Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var depth = 0;
        var conditional = false;
        foreach (var rawLine in text.Split('\n'))
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
        return new DkmsConf(values, conditional);
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

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)=(?<value>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
