using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Packages;

/// <summary>Which installed package owns a file, answered for many paths at once.</summary>
public interface IPackageOwnership
{
    /// <summary>Owners of those paths (paths inside the root) that have one; one database read or one query for the whole batch.</summary>
    IReadOnlyDictionary<string, string> FindOwners(IReadOnlyCollection<string> paths, DiagnosticLog log) => FindOwnedFiles(paths, null, log).Owners;

    /// <summary>
    /// The owners of those paths, and every path under <paramref name="listedUnder"/> that those owning packages list,
    /// whether or not it exists: the package database as a witness. Still one read or one query.
    /// </summary>
    OwnedFiles FindOwnedFiles(IReadOnlyCollection<string> paths, string? listedUnder, DiagnosticLog log);
}

/// <param name="Owners">Path (as asked) to its owning package.</param>
/// <param name="Listed">Path the owning packages list under the prefix asked for, to the package that lists it.</param>
public sealed record OwnedFiles(IReadOnlyDictionary<string, string> Owners, IReadOnlyDictionary<string, string> Listed)
{
    public static OwnedFiles None { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());
}
