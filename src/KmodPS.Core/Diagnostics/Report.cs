namespace KmodPS.Core.Diagnostics;

/// <summary>Items a reader produced plus what went wrong on the way (warnings and non-terminating failures).</summary>
public sealed class Report<T>
{
    public Report(IReadOnlyList<T> items, IReadOnlyList<string> warnings, IReadOnlyList<Failure> failures)
    {
        Items = items;
        Warnings = warnings;
        Failures = failures;
    }

    public IReadOnlyList<T> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public IReadOnlyList<Failure> Failures { get; }
}
