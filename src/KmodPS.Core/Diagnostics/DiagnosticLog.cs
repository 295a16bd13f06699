namespace KmodPS.Core.Diagnostics;

/// <summary>
/// Collects the warnings and failures of one read: the one way Core reports a problem that does not stop the read.
/// A reader takes the log it adds to, or returns a <see cref="Report{T}"/> built from one.
/// </summary>
public sealed class DiagnosticLog
{
    private readonly List<string> _warnings = new();
    private readonly List<Failure> _failures = new();

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<Failure> Failures => _failures;

    public void Warn(string message) => _warnings.Add(message);

    public void Fail(Failure failure) => _failures.Add(failure);

    public void Merge<T>(Report<T> report)
    {
        _warnings.AddRange(report.Warnings);
        _failures.AddRange(report.Failures);
    }

    public void Merge(DiagnosticLog other)
    {
        _warnings.AddRange(other.Warnings);
        _failures.AddRange(other.Failures);
    }

    public Report<T> ToReport<T>(IReadOnlyList<T> items) => new(items, _warnings.ToArray(), _failures.ToArray());
}
