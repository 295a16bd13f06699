using System.Text.RegularExpressions;

namespace KmodPS.Core.Guard;

/// <summary>What the hooks run: the runner's absolute path and the switches passed to Invoke-KernelUpdateGuard.</summary>
public sealed partial record GuardOptions(string RunnerPath, bool Repair, bool Promote)
{
    /// <summary>Where the runner is installed by default (the <c>kmodps</c> apphost or a wrapper script).</summary>
    public const string DefaultRunnerPath = "/usr/local/bin/kmodps";

    /// <summary>The switches as the hook passes them: <c>-Repair -Promote</c>, <c>-Promote</c> or empty.</summary>
    public string Switches => string.Join(' ', new[] { Repair ? "-Repair" : null, Promote ? "-Promote" : null }.OfType<string>());

    /// <summary>
    /// True for an absolute path the hook can embed in single quotes: letters, digits and <c>/ . _ + - @ : ,</c>
    /// (no quotes, spaces, newlines, <c>$</c> or glob characters), no <c>..</c> component.
    /// </summary>
    public static bool IsValidRunnerPath(string? path) =>
        path is { Length: > 1 and <= 1024 } && SafePath().IsMatch(path) && !path.Split('/').Contains("..");

    [GeneratedRegex(@"^/[A-Za-z0-9/._+@:,-]+\z")]
    private static partial Regex SafePath();
}
