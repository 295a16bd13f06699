using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>
/// Every installed package of a root with its requirements: the dpkg status file read directly for the Debian family,
/// one <c>rpm -qa</c> for the RHEL and SUSE families (the same choice as <see cref="SystemPackageBackend"/>).
/// </summary>
internal sealed class InstalledPackageReader
{
    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public InstalledPackageReader(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    /// <summary>The packages; null with a failure logged when no package database can be read.</summary>
    public IReadOnlyList<InstalledPackage>? Read(HostFamily family, DiagnosticLog log)
    {
        var dpkg = DpkgOwnership.IsPresent(_root);
        var rpm = RpmDatabase.IsPresent(_root);
        var useDpkg = family == HostFamily.Debian ? dpkg : family is HostFamily.RedHat or HostFamily.Suse ? !rpm && dpkg : dpkg;
        if (useDpkg)
        {
            try
            {
                return DpkgStatusFile.InstalledPackages(_root.ReadAllText(DpkgStatusFile.Path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ReadError, $"Cannot read {_root.MapPath(DpkgStatusFile.Path)}: {e.Message}", _root.RootPath));
                return null;
            }
        }
        if (rpm)
        {
            return new RpmPackageQuery(_root, _runner).ReadWithRequirements(log);
        }
        log.Fail(new Failure(ErrorIds.PackageDatabaseUnavailable, FailureCategory.ObjectNotFound, $"No rpm database and no dpkg status file under {_root.RootPath}.", _root.RootPath));
        return null;
    }
}
