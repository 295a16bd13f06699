using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// The package tools of one root, chosen once per root by <see cref="Of"/>: the root's own package databases and
/// managers, or, for a test root made by New-KmodTestRoot, its answer file. The readers behind either never look
/// for the other.
/// </summary>
public abstract class PackageBackend
{
    /// <summary>
    /// The test root's answers when the root has an answer file (one that cannot be read answers every question with
    /// TestRootAnswersInvalid), else the root's own package manager.
    /// </summary>
    public static PackageBackend Of(ISystemRoot root)
    {
        try
        {
            return TestRootAnswers.Read(root) is { } answers ? new TestRootBackend(answers) : new SystemPackageBackend(root);
        }
        catch (InvalidDataException e)
        {
            // A damaged answer file answers nothing: each question fails with the id instead of reading the root as a host.
            return new TestRootBackend(new TestRootAnswers(), new Failure(ErrorIds.TestRootAnswersInvalid, FailureCategory.InvalidData,
                e.Message + " Rebuild the test root with New-KmodTestRoot.", root.MapPath(TestRootAnswers.FilePath)));
        }
    }

    /// <summary>Who owns which file; null when the root has no package database.</summary>
    /// <param name="interestingPrefixes">The directories the caller asks about (dpkg's file lists are read for those only).</param>
    public abstract IPackageOwnership? Ownership(HostFamily family, ICommandRunner runner, params string[] interestingPrefixes);

    public abstract IRpmRepository Rpm(ICommandRunner runner);

    public abstract IAptRepository Apt(ICommandRunner runner);

    public abstract IZyppRepository Zypp(ICommandRunner runner);

    /// <summary>Kernel releases the repositories offer, without a process or the network: distinct, newest first.</summary>
    public IReadOnlyList<CachedKernelCandidate> CachedKernelCandidates() =>
        ReadCachedKernelCandidates()
            .DistinctBy(c => c.KernelVersion, StringComparer.Ordinal)
            .OrderByDescending(c => c.KernelVersion, KernelVersionComparer.Instance)
            .ToList();

    private protected abstract IEnumerable<CachedKernelCandidate> ReadCachedKernelCandidates();
}

/// <summary>A root's own tools: rpm or dpkg for owners, dnf, apt or zypper for repositories, their cached metadata for candidates.</summary>
internal sealed class SystemPackageBackend : PackageBackend
{
    private readonly ISystemRoot _root;

    public SystemPackageBackend(ISystemRoot root)
    {
        _root = root;
    }

    /// <summary>rpm for the RHEL and SUSE families, dpkg for Debian, else whichever database exists.</summary>
    public override IPackageOwnership? Ownership(HostFamily family, ICommandRunner runner, params string[] interestingPrefixes)
    {
        var dpkg = DpkgOwnership.IsPresent(_root);
        var rpm = RpmDatabase.IsPresent(_root);
        return family switch
        {
            HostFamily.Debian when dpkg => new DpkgOwnership(_root, interestingPrefixes),
            HostFamily.RedHat or HostFamily.Suse when rpm => new RpmOwnership(_root, runner),
            _ when dpkg => new DpkgOwnership(_root, interestingPrefixes),
            _ when rpm => new RpmOwnership(_root, runner),
            _ => null,
        };
    }

    public override IRpmRepository Rpm(ICommandRunner runner) => new DnfQuery(_root, runner);

    public override IAptRepository Apt(ICommandRunner runner) => new AptQuery(_root, runner);

    public override IZyppRepository Zypp(ICommandRunner runner) => new ZypperQuery(_root, runner);

    private protected override IEnumerable<CachedKernelCandidate> ReadCachedKernelCandidates() => new CachedKernelCandidates(_root).Read();
}
