using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Gathers what Test-KernelUpdate decides on: the module snapshot (at most one rpm process), the candidate
/// kernels and, in one batched package-manager query per family, what the repositories offer for them.
/// At most two package-manager processes per call.
/// </summary>
public sealed class UpdateReadinessReader(ISystemRoot root, ICommandRunner runner)
{
    public UpdateReadinessResult Check(IReadOnlyList<string>? namedKernels, bool includeRepository, bool includeInstalled, bool offline)
    {
        var snapshot = new ModuleStatusReader(root, runner).Read();
        var log = snapshot.Log;
        var failuresBefore = log.Failures.Count;
        var reference = ReferenceKernel(snapshot, log);
        // What the reference kernel has (even a stale or untrusted build) is what the host needs.
        var needed = reference is null ? new List<ModuleStatus>() : snapshot.Rows
            .Where(r => r.KernelVersion == reference && r.Provider != ModuleProvider.Kernel && r.State is not (ModuleState.Missing or ModuleState.Added or ModuleState.Built))
            .GroupBy(r => r.Name).Select(g => g.OrderBy(r => r.State == ModuleState.Installed ? 0 : 1).First()).ToList();
        var candidates = new List<UpdateCandidate>();
        if (namedKernels is { Count: > 0 })
        {
            candidates.AddRange(namedKernels.Select(k => new UpdateCandidate(k, UpdateSource.Named)));
        }
        else if (includeInstalled && reference is not null)
        {
            candidates.AddRange(snapshot.Kernels
                .Where(k => KernelVersionComparer.Instance.Compare(k.KernelVersion, reference) > 0 || (k.KernelVersion == snapshot.NextBoot.KernelVersion && k.KernelVersion != reference))
                .Select(k => new UpdateCandidate(k.KernelVersion, UpdateSource.Installed)));
        }
        var available = (IReadOnlyList<RepositoryPackage>)Array.Empty<RepositoryPackage>();
        var debianAvailable = (IReadOnlySet<string>)new HashSet<string>();
        var needsRepository = (namedKernels is null || namedKernels.Count == 0) ? includeRepository : needed.Count > 0;
        if (needsRepository)
        {
            (available, debianAvailable) = QueryRepository(snapshot, needed, candidates, namedKernels is { Count: > 0 }, includeRepository, offline, log);
        }
        var signer = DkmsSigningCertificate.AsSigner(root);
        var input = new UpdateReadinessInput(
            root.RootPath, snapshot.Host.Family, reference ?? string.Empty, needed, candidates, snapshot.Rows, snapshot.Kernels, available, debianAvailable,
            snapshot.Dkms.GroupBy(e => $"{e.Module}/{e.Version}").ToDictionary(g => g.Key, g => g.First().Conf),
            new[] { "/usr/bin/gcc", "/usr/bin/cc", "/usr/bin/clang" }.Any(root.FileExists),
            root.FileExists("/usr/sbin/akmods"),
            snapshot.SecureBoot.Mode == SecureBootMode.Enabled,
            signer is not null && snapshot.SecureBoot.IsKeyEnrolled(signer),
            snapshot.NextBoot.KernelVersion);
        var checks = UpdateReadinessPlanner.Plan(input);
        foreach (var check in checks.Where(c => !c.Ready))
        {
            check.Problems.ToList().ForEach(p => log.Warn($"{check.KernelVersion}: {p.Module}: {p.Reason}. Next step: {p.Remediation}"));
        }
        return new UpdateReadinessResult(checks, reference, log, log.Failures.Count > failuresBefore, snapshot);
    }

    private (IReadOnlyList<RepositoryPackage>, IReadOnlySet<string>) QueryRepository(
        ModuleStatusSnapshot snapshot, List<ModuleStatus> needed, List<UpdateCandidate> candidates, bool named, bool addCandidates, bool offline, DiagnosticLog log)
    {
        var newestInstalled = snapshot.Kernels.Select(k => k.KernelVersion).Max(KernelVersionComparer.Instance);
        switch (snapshot.Host.Family)
        {
            case HostFamily.RedHat:
                var kmodNames = needed.Where(n => n.Provider is ModuleProvider.KmodPackage or ModuleProvider.Akmod && n.Package is not null)
                    .Select(n => Nevra.Name(n.Package!)).Distinct().ToList();
                var specs = new[] { "kernel-core", "kernel-devel" }.Concat(kmodNames).Concat(kmodNames.Select(n => n + "-*"))
                    .Concat(needed.Select(n => $"kmod-{n.Name.Replace('_', '-')}*")).Distinct().ToList();
                var snapshotOfRepo = snapshot.Packages.Rpm(runner).Query(specs, offline, log);
                if (snapshotOfRepo is null)
                {
                    return (Array.Empty<RepositoryPackage>(), new HashSet<string>());
                }
                if (!named && addCandidates)
                {
                    candidates.AddRange(snapshotOfRepo.Available.Where(p => p.Name == "kernel-core")
                        .Select(p => p.KernelRelease)
                        .Where(k => snapshot.Kernels.All(i => i.KernelVersion != k) && (newestInstalled is null || KernelVersionComparer.Instance.Compare(k, newestInstalled) > 0))
                        .Distinct().Order(KernelVersionComparer.Instance)
                        .Select(k => new UpdateCandidate(k, UpdateSource.Repository)));
                }
                return (snapshotOfRepo.Available, new HashSet<string>());
            case HostFamily.Debian:
                var apt = snapshot.Packages.Apt(runner);
                var installs = new List<string>();
                if (!named && addCandidates)
                {
                    var simulated = apt.SimulateUpgrade(log);
                    if (simulated is null)
                    {
                        return (Array.Empty<RepositoryPackage>(), new HashSet<string>());
                    }
                    installs.AddRange(simulated);
                    candidates.AddRange(simulated.Select(KernelImagePackage.DebianRelease).OfType<string>().Distinct(StringComparer.Ordinal)
                        .Where(k => snapshot.Kernels.All(i => i.KernelVersion != k)).Order(KernelVersionComparer.Instance)
                        .Select(k => new UpdateCandidate(k, UpdateSource.Repository)));
                }
                var wanted = candidates.Where(c => snapshot.Kernels.All(k => k.KernelVersion != c.KernelVersion))
                    .SelectMany(c => DebianPackagesFor(c.KernelVersion, snapshot, needed)).Where(p => !installs.Contains(p)).Distinct().ToList();
                var policy = wanted.Count == 0 ? new HashSet<string>() : apt.Available(wanted, log);
                return (Array.Empty<RepositoryPackage>(), installs.Concat(policy ?? new HashSet<string>()).ToHashSet(StringComparer.Ordinal));
            default:
                log.Fail(new Failure(ErrorIds.PackageManagerNotSupported, FailureCategory.NotImplemented,
                    $"Repository candidates are not supported for the {snapshot.Host.Family} family yet; use -Source Installed or -KernelVersion.", root.RootPath));
                return (Array.Empty<RepositoryPackage>(), new HashSet<string>());
        }
    }

    private static IEnumerable<string> DebianPackagesFor(string kernel, ModuleStatusSnapshot snapshot, List<ModuleStatus> needed)
    {
        yield return "linux-headers-" + kernel;
        var reference = needed.FirstOrDefault()?.KernelVersion;
        foreach (var owner in needed.Where(n => n.Provider == ModuleProvider.KmodPackage && n.Package is not null).Select(n => n.Package!))
        {
            if (reference is not null && owner.Contains(reference, StringComparison.Ordinal))
            {
                yield return owner.Replace(reference, kernel, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The running kernel when it is installed here; else the newest kernel with no module problems.</summary>
    private static string? ReferenceKernel(ModuleStatusSnapshot snapshot, DiagnosticLog log)
    {
        if (snapshot.Host.RunningKernel is { } running && snapshot.Kernels.Any(k => k.KernelVersion == running))
        {
            return running;
        }
        var healthy = snapshot.Kernels.Where(k => KernelHealth.Of(k.KernelVersion, snapshot.Rows).IsHealthy).Select(k => k.KernelVersion).ToList();
        if (healthy.Count > 0)
        {
            return healthy.Max(KernelVersionComparer.Instance);
        }
        var fallback = snapshot.Kernels.Select(k => k.KernelVersion).Max(KernelVersionComparer.Instance);
        log.Warn($"No installed kernel has all of its out-of-tree modules in order; the modules of the newest kernel ({fallback}) define what the host needs.");
        return fallback;
    }
}
