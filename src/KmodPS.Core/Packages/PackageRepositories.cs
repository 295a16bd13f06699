using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Packages;

/// <summary>What the repositories of an RPM root offer: <see cref="DnfQuery"/>, or a test root's answer file.</summary>
public interface IRpmRepository
{
    /// <summary>Available packages matching the specs; null with a failure logged when the query fails.</summary>
    RepositorySnapshot? Query(IEnumerable<string> packageSpecs, bool offline, DiagnosticLog log);
}

/// <summary>What the repositories of a Debian root offer: <see cref="AptQuery"/>, or a test root's answer file.</summary>
public interface IAptRepository
{
    /// <summary>What an upgrade would install, remove and keep back; null with a failure logged when the simulation fails.</summary>
    AptSimulation? SimulateUpgrade(DiagnosticLog log);

    /// <summary>Of the named packages, those that are installed or have a candidate version.</summary>
    IReadOnlySet<string>? Available(IReadOnlyCollection<string> packages, DiagnosticLog log);
}

/// <summary>What an update of a SUSE root would do: <see cref="ZypperQuery"/>, or a test root's answer file.</summary>
public interface IZyppRepository
{
    /// <summary>The transaction <c>zypper update</c> would run; null with a failure logged when zypper cannot answer.</summary>
    ZypperTransaction? SimulateUpdate(bool offline, DiagnosticLog log);
}
