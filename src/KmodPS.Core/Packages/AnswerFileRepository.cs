using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Packages;

/// <summary>Repository answers from a test root's answer file: what it says the repositories offer and an upgrade would install.</summary>
public sealed class AnswerFileRepository : IRpmRepository, IAptRepository
{
    private readonly TestRootAnswers _answers;

    public AnswerFileRepository(TestRootAnswers answers)
    {
        _answers = answers;
    }

    public RepositorySnapshot? Query(IEnumerable<string> packageSpecs, bool offline, DiagnosticLog log) =>
        new("testroot", _answers.AvailablePackages(), Array.Empty<string>());

    public IReadOnlyList<string>? SimulateUpgrade(DiagnosticLog log) => _answers.Upgrade;

    public IReadOnlySet<string>? Available(IReadOnlyCollection<string> packages, DiagnosticLog log)
    {
        var known = _answers.Available.Select(a => a.Name).Concat(_answers.Installed.Select(i => i.Package)).ToHashSet(StringComparer.Ordinal);
        return packages.Where(known.Contains).ToHashSet(StringComparer.Ordinal);
    }
}
