using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// A test root's package backend: its answer file says which package owns which file, what the repositories offer
/// and what an upgrade would install. No process runs. When the file cannot be read (<paramref name="damaged"/>),
/// every question fails with that failure.
/// </summary>
internal sealed class TestRootBackend(TestRootAnswers answers, Failure? damaged = null) : PackageBackend, IPackageOwnership, IRpmRepository, IAptRepository, IZyppRepository
{
    public override IPackageOwnership Ownership(HostFamily family, ICommandRunner runner, params string[] interestingPrefixes) => this;

    public override IRpmRepository Rpm(ICommandRunner runner) => this;

    public override IAptRepository Apt(ICommandRunner runner) => this;

    public override IZyppRepository Zypp(ICommandRunner runner) => this;

    public OwnedFiles FindOwnedFiles(IReadOnlyCollection<string> paths, string? listedUnder, DiagnosticLog log)
    {
        if (Damaged(log))
        {
            return OwnedFiles.None;
        }
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in answers.Installed)
        {
            var owns = false;
            foreach (var file in package.Files.Where(paths.Contains))
            {
                owners.TryAdd(file, package.Package);
                owns = true;
            }
            foreach (var file in package.Files.Where(f => owns && listedUnder is not null && f.StartsWith(listedUnder, StringComparison.Ordinal)))
            {
                listed.TryAdd(file, package.Package);
            }
        }
        return new OwnedFiles(owners, listed);
    }

    public RepositorySnapshot? Query(IEnumerable<string> packageSpecs, bool offline, DiagnosticLog log) =>
        Damaged(log) ? null : new("testroot", answers.AvailablePackages(), Array.Empty<string>());

    public AptSimulation? SimulateUpgrade(DiagnosticLog log) =>
        Damaged(log) ? null : new(answers.Upgrade, Array.Empty<string>(), Array.Empty<string>());

    /// <summary>A test root answers for dnf and apt only: a SUSE question is refused, not answered from a model.</summary>
    public ZypperTransaction? SimulateUpdate(bool offline, DiagnosticLog log)
    {
        if (!Damaged(log))
        {
            log.Fail(new Failure(ErrorIds.PackageManagerNotSupported, FailureCategory.NotImplemented,
                "A test root made by New-KmodTestRoot answers dnf and apt questions only: it has no zypper transaction.", "testroot"));
        }
        return null;
    }

    public IReadOnlySet<string>? Available(IReadOnlyCollection<string> packages, DiagnosticLog log)
    {
        if (Damaged(log))
        {
            return null;
        }
        var known = answers.Available.Select(a => a.Name).Concat(answers.Installed.Select(i => i.Package)).ToHashSet(StringComparer.Ordinal);
        return packages.Where(known.Contains).ToHashSet(StringComparer.Ordinal);
    }

    private bool Damaged(DiagnosticLog log)
    {
        if (damaged is not null)
        {
            log.Fail(damaged);
        }
        return damaged is not null;
    }

    private protected override IEnumerable<CachedKernelCandidate> ReadCachedKernelCandidates() =>
        answers.Available
            .Select(a => (Release: KernelImagePackage.RpmRelease(a.Name, a.Version, a.Release, a.Arch) ?? KernelImagePackage.DebianRelease(a.Name), a.Name, a.Repository))
            .Concat(answers.Upgrade.Select(p => (Release: KernelImagePackage.DebianRelease(p), Name: p, Repository: "upgrade")))
            .Where(c => c.Release is not null)
            .Select(c => new CachedKernelCandidate(c.Release!, c.Name, c.Repository));
}
