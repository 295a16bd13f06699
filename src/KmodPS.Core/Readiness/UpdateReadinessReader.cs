using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
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
            .Where(r => r.KernelVersion == reference && r.Provider != ModuleProvider.Kernel && r.State is not (ModuleState.Missing or ModuleState.Added or ModuleState.Built or ModuleState.Excluded))
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
        var repository = new RepositoryAnswer(Array.Empty<RepositoryPackage>(), new HashSet<string>(), null);
        var needsRepository = (namedKernels is null || namedKernels.Count == 0) ? includeRepository : needed.Count > 0;
        if (needsRepository)
        {
            repository = QueryRepository(snapshot, needed, candidates, namedKernels is { Count: > 0 }, includeRepository, offline, log);
        }
        var signer = DkmsSigningCertificate.AsSigner(root);
        var input = new UpdateReadinessInput(
            root.RootPath, snapshot.Host.Family, reference ?? string.Empty, needed, candidates, snapshot.Rows, snapshot.Kernels, repository.Available, repository.DebianAvailable,
            snapshot.Dkms.GroupBy(e => $"{e.Module}/{e.Version}").ToDictionary(g => g.Key, g => g.First().Conf),
            new[] { "/usr/bin/gcc", "/usr/bin/cc", "/usr/bin/clang" }.Any(root.FileExists),
            root.FileExists("/usr/sbin/akmods"),
            snapshot.SecureBoot.Mode == SecureBootMode.Enabled,
            signer is not null && snapshot.SecureBoot.IsKeyEnrolled(signer),
            snapshot.NextBoot.KernelVersion,
            snapshot.Host.RunningKernel,
            repository.Transaction,
            NewKernelBecomesDefault(snapshot.Host.Family))
        {
            ModuleImports = snapshot.Host.Family == HostFamily.Suse ? ModuleImports(needed) : new Dictionary<string, IReadOnlyDictionary<string, uint>>(),
        };
        var checks = UpdateReadinessPlanner.Plan(input);
        foreach (var check in checks.Where(c => c.Decides))
        {
            check.Problems.ToList().ForEach(p => log.Warn($"{check.KernelVersion}: {p.Module}: {p.Reason}. Next step: {p.Remediation}"));
        }
        WarnHeldBack(repository.Transaction, log);
        return new UpdateReadinessResult(checks, reference, log, log.Failures.Count > failuresBefore, snapshot);
    }

    private RepositoryAnswer QueryRepository(
        ModuleStatusSnapshot snapshot, List<ModuleStatus> needed, List<UpdateCandidate> candidates, bool named, bool addCandidates, bool offline, DiagnosticLog log)
    {
        var none = new RepositoryAnswer(Array.Empty<RepositoryPackage>(), new HashSet<string>(), null);
        switch (snapshot.Host.Family)
        {
            case HostFamily.RedHat:
                var kmodNames = needed.Concat(snapshot.Rows).Where(n => n.Provider is ModuleProvider.KmodPackage or ModuleProvider.Akmod && n.Package is not null)
                    .Select(n => Nevra.Name(n.Package!)).Distinct().ToList();
                var specs = new[] { "kernel", "kernel-core", "kernel-modules-core", "kernel-modules", "kernel-devel" }.Concat(kmodNames).Concat(kmodNames.Select(n => n + "-*"))
                    .Concat(needed.Select(n => $"kmod-{n.Name.Replace('_', '-')}*")).Distinct().ToList();
                // Excludes and versionlock are off in the query and applied here, so every repository kernel is seen with what holds it back.
                var snapshotOfRepo = snapshot.Packages.Rpm(runner).Query(specs, offline, log);
                if (snapshotOfRepo is null)
                {
                    return none;
                }
                var configuration = DnfConfiguration.Read(root, log);
                var holds = UpdateHolds.Read(root, configuration, log);
                var transaction = DnfTransactionPlanner.Plan(snapshotOfRepo.Available, snapshot.Kernels, snapshot.Rows, holds.HeldBy, configuration, snapshot.Host.RunningKernel);
                if (named || !addCandidates)
                {
                    return new RepositoryAnswer(transaction.Allowed, new HashSet<string>(), null);
                }
                candidates.AddRange(transaction.OfferedKernels.Where(k => snapshot.Kernels.All(i => i.KernelVersion != k)).Select(k => new UpdateCandidate(k, UpdateSource.Repository)));
                return new RepositoryAnswer(transaction.Allowed, new HashSet<string>(), transaction);
            case HostFamily.Debian:
                var apt = snapshot.Packages.Apt(runner);
                var installs = new List<string>();
                UpdateTransaction? debianTransaction = null;
                if (!named && addCandidates)
                {
                    var simulated = apt.SimulateUpgrade(log);
                    if (simulated is null)
                    {
                        return none;
                    }
                    installs.AddRange(simulated.Installs);
                    debianTransaction = AptTransaction(simulated, snapshot);
                    candidates.AddRange(debianTransaction.OfferedKernels.Select(k => new UpdateCandidate(k, UpdateSource.Repository)));
                }
                var wanted = candidates.Where(c => snapshot.Kernels.All(k => k.KernelVersion != c.KernelVersion))
                    .SelectMany(c => DebianPackagesFor(c.KernelVersion, snapshot, needed)).Where(p => !installs.Contains(p)).Distinct().ToList();
                var policy = wanted.Count == 0 ? new HashSet<string>() : apt.Available(wanted, log);
                return new RepositoryAnswer(Array.Empty<RepositoryPackage>(), installs.Concat(policy ?? new HashSet<string>()).ToHashSet(StringComparer.Ordinal), debianTransaction);
            case HostFamily.Suse:
                return QuerySuse(snapshot, needed, candidates, named || !addCandidates, offline, log);
            default:
                log.Fail(new Failure(ErrorIds.PackageManagerNotSupported, FailureCategory.NotImplemented,
                    $"Repository candidates are not supported for the {snapshot.Host.Family} family yet; use -Source Installed or -KernelVersion.", root.RootPath));
                return none;
        }
    }

    /// <summary>
    /// SUSE: zypper's own transaction (one process; its locks and multiversion setting decide), and, from the repository
    /// metadata zypper cached, every version of the installed kernels' flavour packages (for what is held back) with
    /// the ksym versions of the kernels to judge and of the needed KMPs, whose kABI the planner compares.
    /// </summary>
    private RepositoryAnswer QuerySuse(ModuleStatusSnapshot snapshot, List<ModuleStatus> needed, List<UpdateCandidate> candidates, bool candidatesGiven, bool offline, DiagnosticLog log)
    {
        ZypperTransaction? simulated = null;
        if (!candidatesGiven)
        {
            simulated = snapshot.Packages.Zypp(runner).SimulateUpdate(offline, log);
            if (simulated is null)
            {
                return new RepositoryAnswer(Array.Empty<RepositoryPackage>(), new HashSet<string>(), null);
            }
        }
        var flavours = snapshot.Kernels.Select(k => "kernel-" + RpmKernelPackages.SuseFlavourOf(k.KernelVersion)).Where(RpmKernelPackages.IsSuseImage);
        var kmps = needed.Where(n => n.Provider == ModuleProvider.KmodPackage && n.Package is not null).Select(n => Nevra.Name(n.Package!))
            .Concat(simulated?.Installs.Select(s => s.Name).Where(n => n.Contains("-kmp-", StringComparison.Ordinal)) ?? Enumerable.Empty<string>());
        // The symbols of the kernels judged: the named ones, or every repository kernel newer than the installed ones.
        var newestInstalled = snapshot.Kernels.Select(k => k.KernelVersion).Max(KernelVersionComparer.Instance);
        bool Judged(string? kernel) => kernel is not null && (candidatesGiven
            ? candidates.Any(c => c.KernelVersion == kernel)
            : newestInstalled is null || KernelVersionComparer.Instance.Compare(kernel, newestInstalled) > 0);
        var named = flavours.Concat(kmps).ToHashSet(StringComparer.Ordinal);
        var available = RepodataPackages.Read(root, named.Contains,
            p => !RpmKernelPackages.IsSuseImage(p.Name) || Judged(KernelImagePackage.RpmRelease(p.Name, p.Version, p.Release, p.Arch)));
        if (simulated is null)
        {
            return new RepositoryAnswer(available, new HashSet<string>(), null);
        }
        var transaction = ZypperTransactionKernels.Of(simulated, snapshot.Kernels, snapshot.Rows, available, UpdateHolds.Read(root, DnfConfiguration.None, log).HeldBy);
        candidates.AddRange(transaction.OfferedKernels.Where(k => snapshot.Kernels.All(i => i.KernelVersion != k)).Select(k => new UpdateCandidate(k, UpdateSource.Repository)));
        return new RepositoryAnswer(available, new HashSet<string>(), transaction);
    }

    /// <summary>The symbol versions the needed KMP modules import; a module that cannot be read is left out (the planner then fails closed).</summary>
    private Dictionary<string, IReadOnlyDictionary<string, uint>> ModuleImports(List<ModuleStatus> needed)
    {
        var imports = new Dictionary<string, IReadOnlyDictionary<string, uint>>(StringComparer.Ordinal);
        foreach (var module in needed.Where(n => n.Provider == ModuleProvider.KmodPackage && n.Path is not null))
        {
            try
            {
                imports[module.Name] = ModuleFileReader.ReadModVersions(root.MapPath(root.ResolvePath(module.Path!) ?? module.Path!));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
            }
        }
        return imports;
    }

    /// <summary>apt's simulated transaction: the kernel images it installs and removes, with each kernel's packages (holds and pins are apt's to apply).</summary>
    private static UpdateTransaction AptTransaction(AptSimulation simulated, ModuleStatusSnapshot snapshot)
    {
        var installed = simulated.Installs.Select(KernelImagePackage.DebianRelease).OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(k => snapshot.Kernels.All(i => i.KernelVersion != k)).Order(KernelVersionComparer.Instance).ToList();
        var removed = simulated.Removes.Select(KernelImagePackage.DebianRelease).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyDictionary<string, IReadOnlyList<string>> ByKernel(IReadOnlyList<string> packages, IEnumerable<string> kernels) =>
            kernels.ToDictionary(k => k, k => (IReadOnlyList<string>)packages.Where(p => p.Contains(k, StringComparison.Ordinal)).ToList(), StringComparer.Ordinal);
        return new UpdateTransaction(installed, installed.ToHashSet(StringComparer.Ordinal), new Dictionary<string, string>(), removed, Array.Empty<ModuleLoss>(),
            ByKernel(simulated.Installs, installed), ByKernel(simulated.Removes, removed), Array.Empty<RepositoryPackage>())
        {
            KeptBack = simulated.KeptBack,
        };
    }

    private static void WarnHeldBack(UpdateTransaction? transaction, DiagnosticLog log)
    {
        if (transaction is null)
        {
            return;
        }
        if (transaction.HeldBack.Count > 0)
        {
            var what = string.Join("; ", transaction.HeldBack.GroupBy(h => h.Value).Select(g => $"{string.Join(", ", g.Select(h => h.Key))} by {g.Key}"));
            log.Warn($"The update holds back {(transaction.InstalledKernels.Count == 0 ? "every new kernel" : "newer kernels")}: {what}. Their fixes are not installed until what holds them back changes (Unlock-Kernel, or edit the exclude).");
        }
        if (transaction.KeptBack.Count > 0)
        {
            log.Warn($"apt keeps back {string.Join(", ", transaction.KeptBack)} (held or pinned): the kernels they would bring are not installed by this update.");
        }
    }

    /// <summary>Whether a newly installed kernel becomes the default: EL's UPDATEDEFAULT (yes unless set otherwise), Debian's GRUB_DEFAULT=0 (the default when unset).</summary>
    private bool NewKernelBecomesDefault(HostFamily family)
    {
        var (path, key) = family == HostFamily.Debian ? ("/etc/default/grub", "GRUB_DEFAULT") : ("/etc/sysconfig/kernel", "UPDATEDEFAULT");
        string? value = null;
        try
        {
            value = root.FileExists(path) && OsRelease.Parse(root.ReadAllText(path)).TryGetValue(key, out var v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return family == HostFamily.Debian ? value is null or "0" : value is null || value.Equals("yes", StringComparison.OrdinalIgnoreCase);
    }

    private sealed record RepositoryAnswer(IReadOnlyList<RepositoryPackage> Available, IReadOnlySet<string> DebianAvailable, UpdateTransaction? Transaction);

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
