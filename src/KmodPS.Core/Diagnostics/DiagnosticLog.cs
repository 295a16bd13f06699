namespace KmodPS.Core.Diagnostics;

/// <summary>
/// Collects the warnings and failures of one read: the one way Core reports a problem that does not stop the read.
/// A reader takes the log it adds to, or returns a <see cref="Report{T}"/> built from one.
/// </summary>
public sealed class DiagnosticLog
{
    private readonly List<string> _warnings = new();
    private readonly List<Failure> _failures = new();
    private readonly List<string> _details = new();

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<Failure> Failures => _failures;

    /// <summary>What a summarizing warning stands for, one line each: the verbose stream.</summary>
    public IReadOnlyList<string> Details => _details;

    public void Warn(string message) => _warnings.Add(message);

    public void Detail(string message) => _details.Add(message);

    public void Fail(Failure failure) => _failures.Add(failure);

    public void Merge<T>(Report<T> report)
    {
        _warnings.AddRange(report.Warnings);
        _failures.AddRange(report.Failures);
        _details.AddRange(report.Details);
    }

    public void Merge(DiagnosticLog other)
    {
        _warnings.AddRange(other.Warnings);
        _failures.AddRange(other.Failures);
        _details.AddRange(other.Details);
    }

    public Report<T> ToReport<T>(IReadOnlyList<T> items) => new(items, _warnings.ToArray(), _failures.ToArray(), _details.ToArray());
}
