using System.Text.RegularExpressions;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// Finds the make.log of a failed dkms build. dkms 3.0 writes the log to <c>&lt;tree&gt;/&lt;m&gt;/&lt;v&gt;/build/make.log</c>
/// while building and moves it to <c>&lt;m&gt;/&lt;v&gt;/&lt;k&gt;/&lt;arch&gt;/log/make.log</c> only on success, so a failed
/// build leaves it in <c>build/</c> (and the next build of that version, for any kernel, deletes it). dkms also
/// prints <c>Consult &lt;path&gt; for more information.</c>
/// </summary>
internal static partial class MakeLogLocator
{
    public const int TailLines = 15;

    public static string? AfterFailure(ISystemRoot root, string module, string version, string kernel, string output, DateTime startedUtc)
    {
        var fresh = startedUtc.AddSeconds(-2);
        var consulted = Consult().Matches(output).Select(m => m.Groups["path"].Value).LastOrDefault();
        if (consulted is not null && root.FileExists(consulted))
        {
            return consulted;
        }
        var versionDirectory = $"{DkmsTreeRoot}/{module}/{version}";
        var candidates = new[] { $"{versionDirectory}/build/make.log" }
            .Concat(root.ListDirectory($"{versionDirectory}/{kernel}").Select(arch => $"{versionDirectory}/{kernel}/{arch}/log/make.log"))
            .Where(root.FileExists)
            .OrderByDescending(root.GetLastWriteTimeUtc)
            .ToList();
        return candidates.FirstOrDefault(p => root.GetLastWriteTimeUtc(p) >= fresh) ?? candidates.FirstOrDefault();
    }

    /// <summary>The last non-empty lines of the log, or null when it cannot be read.</summary>
    public static string? Tail(ISystemRoot root, string? path, int lines = TailLines)
    {
        if (path is null || !root.FileExists(path))
        {
            return null;
        }
        try
        {
            var text = root.ReadAllText(path).Replace("\r", string.Empty).Split('\n').Where(l => l.Trim().Length > 0).ToList();
            return string.Join('\n', text.Skip(Math.Max(0, text.Count - lines)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private const string DkmsTreeRoot = Dkms.DkmsTreeReader.DefaultTree;

    [GeneratedRegex(@"Consult (?<path>/\S+make\.log)")]
    private static partial Regex Consult();
}
