namespace KmodPS.Core.Diagnostics;

/// <summary>Items a reader produced plus what went wrong on the way (warnings and non-terminating failures), and details for the verbose stream.</summary>
public sealed class Report<T>
{
    public Report(IReadOnlyList<T> items, IReadOnlyList<string> warnings, IReadOnlyList<Failure> failures, IReadOnlyList<string>? details = null)
    {
        Items = items;
        Warnings = warnings;
        Failures = failures;
        Details = details ?? Array.Empty<string>();
    }

    public IReadOnlyList<T> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public IReadOnlyList<Failure> Failures { get; }

    /// <summary>What a summarizing warning stands for, one line each (the verbose stream).</summary>
    public IReadOnlyList<string> Details { get; }
}
