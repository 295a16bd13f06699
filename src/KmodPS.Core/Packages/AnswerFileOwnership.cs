using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Packages;

/// <summary>File owners from a test root's answer file.</summary>
public sealed class AnswerFileOwnership : IPackageOwnership
{
    private readonly TestRootAnswers _answers;

    public AnswerFileOwnership(TestRootAnswers answers)
    {
        _answers = answers;
    }

    public IReadOnlyDictionary<string, string> FindOwners(IReadOnlyCollection<string> paths, DiagnosticLog log)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in _answers.Installed)
        {
            foreach (var file in package.Files.Where(paths.Contains))
            {
                owners.TryAdd(file, package.Package);
            }
        }
        return owners;
    }
}
