using KmodPS.Core.Platform;

namespace KmodPS.Tests.Locks;

/// <summary>
/// Stands in for dnf 4 with the versionlock plugin: reads the locklist from the plugin configuration the command
/// points at (so a wrong redirection shows) and appends what the plugin appends. Can fail like dnf does.
/// </summary>
internal sealed class FakeDnfRunner : ICommandRunner
{
    public List<CommandRequest> Requests { get; } = new();

    /// <summary>Answer the Nth command (1-based) with this result instead of acting.</summary>
    public Dictionary<int, (int Exit, string Stderr)> Failures { get; } = new();

    /// <summary>Before answering the Nth command (1-based), do this to the root (what a crashed dnf could leave behind).</summary>
    public Dictionary<int, Action> SideEffects { get; } = new();

    /// <summary>Act like dnf when the spec resolves to nothing: exit 0, write nothing.</summary>
    public bool ResolveNothing { get; set; }

    public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        if (SideEffects.TryGetValue(Requests.Count, out var sideEffect))
        {
            sideEffect();
        }
        if (Failures.TryGetValue(Requests.Count, out var failure))
        {
            return new CommandResult(request, failure.Exit, string.Empty, failure.Stderr, TimeSpan.Zero, false);
        }
        var arguments = request.Arguments;
        var verb = arguments.SkipWhile(a => a != "versionlock").Skip(1).FirstOrDefault();
        var spec = arguments[^1];
        var pluginDirectory = arguments.FirstOrDefault(a => a.StartsWith("--setopt=pluginconfpath=", StringComparison.Ordinal))?["--setopt=pluginconfpath=".Length..];
        // Never touch the host's lock list: a command without the redirection is a test failure.
        var locklist = pluginDirectory is null ? throw new InvalidOperationException("dnf was not pointed at the root's lock list: " + request.DisplayText)
            : File.ReadAllLines(Path.Combine(pluginDirectory, "versionlock.conf")).Single(l => l.StartsWith("locklist", StringComparison.Ordinal)).Split('=', 2)[1].Trim();
        if (ResolveNothing)
        {
            return new CommandResult(request, 0, "No package found for: " + spec + "\n", string.Empty, TimeSpan.Zero, false);
        }
        if (verb == "add")
        {
            var name = spec[..spec.IndexOf("-0:", StringComparison.Ordinal)];
            var evr = spec[(spec.IndexOf("-0:", StringComparison.Ordinal) + 3)..spec.LastIndexOf('.')];
            File.AppendAllText(locklist, $"\n# Added lock on Mon Nov 23 19:13:53 2026\n{name}-0:{evr}.*\n");
        }
        else if (verb == "exclude")
        {
            File.AppendAllText(locklist, $"\n# Added exclude on Mon Nov 23 19:13:53 2026\n!{spec}\n");
        }
        return new CommandResult(request, 0, string.Empty, string.Empty, TimeSpan.Zero, false);
    }

    public string? FindProgram(string name) => "/usr/bin/" + name;
}
