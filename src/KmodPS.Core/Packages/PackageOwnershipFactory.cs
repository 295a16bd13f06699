using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>Chooses the package database of a root: rpm for RHEL/SUSE families, dpkg for Debian, else whichever exists.</summary>
public static class PackageOwnershipFactory
{
    public static IPackageOwnership? Create(ISystemRoot root, HostFamily family, ICommandRunner runner, params string[] interestingPrefixes)
    {
        if (TestRootAnswers.Read(root) is { } answers)
        {
            return new AnswerFileOwnership(answers);
        }
        var dpkg = DpkgOwnership.IsPresent(root);
        var rpm = RpmDatabase.IsPresent(root);
        return family switch
        {
            HostFamily.Debian when dpkg => new DpkgOwnership(root, interestingPrefixes),
            HostFamily.RedHat or HostFamily.Suse when rpm => new RpmOwnership(root, runner),
            _ when dpkg => new DpkgOwnership(root, interestingPrefixes),
            _ when rpm => new RpmOwnership(root, runner),
            _ => null,
        };
    }
}
