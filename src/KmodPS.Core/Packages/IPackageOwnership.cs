using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Packages;

/// <summary>Which installed package owns a file, answered for many paths at once.</summary>
public interface IPackageOwnership
{
    /// <summary>Owners of those paths (paths inside the root) that have one; one database read or one query for the whole batch.</summary>
    IReadOnlyDictionary<string, string> FindOwners(IReadOnlyCollection<string> paths, DiagnosticLog log);
}
