using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>What the repositories of an RPM root offer: <see cref="DnfQuery"/>, or a test root's <see cref="AnswerFileRepository"/>.</summary>
public interface IRpmRepository
{
    /// <summary>Available packages matching the specs; null with a failure logged when the query fails.</summary>
    RepositorySnapshot? Query(IEnumerable<string> packageSpecs, bool offline, DiagnosticLog log);
}

/// <summary>What the repositories of a Debian root offer: <see cref="AptQuery"/>, or a test root's <see cref="AnswerFileRepository"/>.</summary>
public interface IAptRepository
{
    /// <summary>Package names an upgrade would install; null with a failure logged when the simulation fails.</summary>
    IReadOnlyList<string>? SimulateUpgrade(DiagnosticLog log);

    /// <summary>Of the named packages, those that are installed or have a candidate version.</summary>
    IReadOnlySet<string>? Available(IReadOnlyCollection<string> packages, DiagnosticLog log);
}

/// <summary>
/// Chooses the repository backend of a root, in this one place: the package manager, or for a test root made by
/// New-KmodTestRoot its answer file, which stands in for dnf and apt there (as it does for rpm and dpkg in
/// <see cref="PackageOwnershipFactory"/>).
/// </summary>
public static class PackageRepositories
{
    /// <exception cref="InvalidDataException">The root has an answer file that cannot be read as one.</exception>
    public static IRpmRepository Rpm(ISystemRoot root, ICommandRunner runner) =>
        TestRootAnswers.Read(root) is { } answers ? new AnswerFileRepository(answers) : new DnfQuery(root, runner);

    /// <exception cref="InvalidDataException">The root has an answer file that cannot be read as one.</exception>
    public static IAptRepository Apt(ISystemRoot root, ICommandRunner runner) =>
        TestRootAnswers.Read(root) is { } answers ? new AnswerFileRepository(answers) : new AptQuery(root, runner);
}
