
namespace KmodPS.Core.Packages;

/// <summary>The kernel packages a test root's answer file says the repositories offer or an upgrade would install.</summary>
public static class TestRootKernelCandidates
{
    public static IReadOnlyList<CachedKernelCandidate> From(TestRootAnswers answers) =>
        answers.Available
            .Select(a => (Release: KernelImagePackage.RpmRelease(a.Name, a.Version, a.Release, a.Arch) ?? KernelImagePackage.DebianRelease(a.Name), a.Name, a.Repository))
            .Concat(answers.Upgrade.Select(p => (Release: KernelImagePackage.DebianRelease(p), Name: p, Repository: "upgrade")))
            .Where(c => c.Release is not null)
            .Select(c => new CachedKernelCandidate(c.Release!, c.Name, c.Repository))
            .ToList();
}
