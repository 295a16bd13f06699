using System.Diagnostics;

namespace KmodPS.Core.Platform;

/// <summary>A native command as an argument vector: never a shell string.</summary>
public sealed record CommandRequest
{
    public CommandRequest(string fileName, IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        FileName = fileName;
        Arguments = arguments.ToArray();
    }

    public string FileName { get; }

    public IReadOnlyList<string> Arguments { get; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Extra environment variables for the child (for example LC_ALL=C so output parses).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string> { ["LC_ALL"] = "C" };

    /// <summary>The command line as a person would type it, for the verbose stream and -WhatIf.</summary>
    public string DisplayText => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(ShellQuote.Quote));

    /// <summary>How every runner starts it: the argument vector as is, all three streams redirected, no shell.</summary>
    /// <param name="program">The resolved path of <see cref="FileName"/>.</param>
    public ProcessStartInfo ToStartInfo(string program)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in Environment)
        {
            startInfo.Environment[name] = value;
        }
        return startInfo;
    }
}
