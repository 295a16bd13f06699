using System.Text.RegularExpressions;
using KmodPS.Core.Dkms;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Pure: decides for each candidate kernel whether each module the host needs will be there, by provider:
/// a kmod package built for exactly that kernel, DKMS with headers/compiler/BUILD_EXCLUSIVE/signing key,
/// akmods with kernel-devel, weak-updates within the kABI stream.
/// </summary>
internal static class UpdateReadinessPlanner
{
    public static IReadOnlyList<KernelUpdateCheck> Plan(UpdateReadinessInput input)
    {
        var problems = input.Candidates.ToDictionary(c => c.KernelVersion, c => Problems(input, c).ToList(), StringComparer.Ordinal);
        var candidates = input.Candidates.ToList();
        foreach (var (kernel, problem) in Effects(input, problems))
        {
            if (!problems.ContainsKey(kernel))
            {
                problems[kernel] = new List<KernelUpdateProblem>();
                candidates.Add(new UpdateCandidate(kernel, UpdateSource.Installed));
            }
            problems[kernel].Add(problem);
        }
        var transaction = input.Transaction;
        return candidates.Select(c => new KernelUpdateCheck(
            c.KernelVersion, c.Source, problems[c.KernelVersion], input.ReferenceKernel, c.KernelVersion == input.NextBootKernel, input.Root,
            transaction?.InstalledKernels.Contains(c.KernelVersion) ?? false, transaction?.HeldBack.GetValueOrDefault(c.KernelVersion),
            transaction?.PackagesInstalled(c.KernelVersion), transaction?.PackagesRemoved(c.KernelVersion))).ToList();
    }

    /// <summary>
    /// What the transaction does to kernels that stay or were installed: removals and lost modules. Blocking only where
    /// it hits the kernel that boots next after the update (a new kernel where the host makes it the default) or the
    /// running kernel, or where no kernel is left healthy; otherwise a warning on that kernel's check.
    /// </summary>
    private static List<(string Kernel, KernelUpdateProblem Problem)> Effects(UpdateReadinessInput input, IReadOnlyDictionary<string, List<KernelUpdateProblem>> problems)
    {
        var effects = new List<(string Kernel, KernelUpdateProblem Problem)>();
        if (input.Transaction is not { } transaction)
        {
            return effects;
        }
        var nextBoot = transaction.InstalledKernels.Count > 0 && input.NewKernelBecomesDefault
            ? transaction.InstalledKernels.Max(KernelVersionComparer.Instance)
            : input.NextBootKernel;
        bool Critical(string kernel) => kernel == nextBoot || kernel == input.RunningKernel;
        foreach (var kernel in transaction.RemovedKernels)
        {
            effects.Add((kernel, input.Family switch
            {
                HostFamily.Suse => new KernelUpdateProblem("(kernel)", ModuleProvider.Kernel,
                    $"the update removes {kernel}: zypper upgrades the kernel in place (zypp.conf's multiversion does not name kernels)",
                    "set 'multiversion = provides:multiversion(kernel)' in /etc/zypp/zypp.conf to keep it, or Lock-Kernel it", Critical(kernel)),
                HostFamily.Debian => new KernelUpdateProblem("(kernel)", ModuleProvider.Kernel,
                    $"the update removes {kernel}: apt's transaction removes its packages",
                    $"apt-mark hold the packages of {kernel} (Lock-Kernel {kernel}) to keep it", Critical(kernel)),
                _ => new KernelUpdateProblem("(kernel)", ModuleProvider.Kernel,
                    $"the update removes {kernel}: dnf keeps only installonly_limit kernels and removes the oldest",
                    "raise installonly_limit in /etc/dnf/dnf.conf to keep it, or Lock-Kernel -Exclude the new kernel", Critical(kernel)),
            }));
        }
        foreach (var loss in transaction.ModuleLosses)
        {
            effects.Add((loss.Kernel, new KernelUpdateProblem(loss.Module, ModuleProvider.KmodPackage,
                $"the update replaces {loss.Package} with {loss.Replacement} (built for {loss.ReplacementKernel}): {loss.Kernel} stays installed but loses {loss.Module}",
                $"boot {loss.ReplacementKernel} after the update (it gets {loss.Module}); {loss.Kernel} stays as a fallback without it", Critical(loss.Kernel))));
        }
        var hit = effects.Select(e => e.Kernel).ToHashSet(StringComparer.Ordinal);
        var healthyBefore = input.Kernels.Select(k => k.KernelVersion).Where(k => KernelHealth.Of(k, input.Rows).IsHealthy).ToList();
        var healthyAfter = healthyBefore.Where(k => !hit.Contains(k))
            .Concat(transaction.InstalledKernels.Where(k => problems.GetValueOrDefault(k)?.All(p => !p.Blocking) ?? false)).ToList();
        if (healthyBefore.Count > 0 && healthyAfter.Count == 0)
        {
            return effects.Select(e => (e.Kernel, new KernelUpdateProblem(e.Problem.Module, e.Problem.Provider,
                e.Problem.Reason + "; no installed kernel is left with every module the host needs", e.Problem.Remediation))).ToList();
        }
        return effects;
    }

    private static IEnumerable<KernelUpdateProblem> Problems(UpdateReadinessInput input, UpdateCandidate candidate)
    {
        var installed = input.Kernels.Any(k => k.KernelVersion == candidate.KernelVersion);
        foreach (var module in input.Needed)
        {
            var problem = installed ? InstalledProblem(input, candidate, module) : RepositoryProblem(input, candidate, module);
            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    private static KernelUpdateProblem? InstalledProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed)
    {
        var rows = input.Rows.Where(r => r.KernelVersion == candidate.KernelVersion && r.Name == needed.Name).ToList();
        if (rows.Any(r => r.State == ModuleState.Installed))
        {
            return null;
        }
        var row = rows.OrderBy(r => r.State == ModuleState.Built ? 1 : 0).FirstOrDefault();
        var reason = row?.Reason ?? $"{needed.Name} is not present for {candidate.KernelVersion}.";
        var fix = needed.Provider == ModuleProvider.Dkms && input.Kernels.First(k => k.KernelVersion == candidate.KernelVersion).HasHeaders
            ? $"'dkms autoinstall -k {candidate.KernelVersion}'; until it succeeds, Set-DefaultKernel {input.ReferenceKernel}"
            : $"Set-DefaultKernel {input.ReferenceKernel} (keep booting the kernel that has {needed.Name})";
        return new KernelUpdateProblem(needed.Name, row?.Provider ?? needed.Provider, $"{row?.State.ToString() ?? "Missing"}: {reason}", fix);
    }

    private static KernelUpdateProblem? RepositoryProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed) => needed.Provider switch
    {
        ModuleProvider.KmodPackage => KmodProblem(input, candidate, needed),
        ModuleProvider.Dkms => DkmsProblem(input, candidate, needed),
        ModuleProvider.Akmod => AkmodProblem(input, candidate, needed),
        ModuleProvider.WeakUpdate => WeakUpdateProblem(input, candidate, needed),
        ModuleProvider.Kernel => null,
        _ => Problem(input, candidate, needed, $"{needed.Name} was installed by hand for {input.ReferenceKernel}; nothing will provide it for {candidate.KernelVersion}",
            $"rebuild {needed.Name} for {candidate.KernelVersion} after installing it"),
    };

    private static KernelUpdateProblem? KmodProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed)
    {
        var owner = needed.Package is null ? null : Nevra.Name(needed.Package);
        if (input.Family == HostFamily.Suse)
        {
            return KmpProblem(input, candidate, needed, owner ?? needed.Name);
        }
        if (input.Family == HostFamily.Debian)
        {
            var wanted = owner?.Replace(input.ReferenceKernel, candidate.KernelVersion, StringComparison.Ordinal);
            if (wanted is not null && wanted != owner && input.DebianAvailable.Contains(wanted))
            {
                return null;
            }
            return Problem(input, candidate, needed, $"{wanted ?? owner ?? needed.Name} for {candidate.KernelVersion} is not in any enabled repository",
                $"Lock-Kernel -KernelVersion {input.ReferenceKernel} or wait; Set-DefaultKernel {input.ReferenceKernel} if already installed");
        }
        var stem = owner ?? "kmod-" + needed.Name;
        var found = KmodPackageMatcher.Find(input.Available, stem, needed.Name, candidate.KernelVersion) is not null;
        return found ? null : Problem(input, candidate, needed, $"{stem} for {KernelRelease.WithoutArch(candidate.KernelVersion)} is not in any enabled repository",
            $"Lock-Kernel -KernelVersion {KernelRelease.WithoutArch(input.ReferenceKernel)} or wait; Set-DefaultKernel {KernelRelease.WithoutArch(input.ReferenceKernel)} if already installed");
    }

    /// <summary>
    /// SUSE: a KMP built for one kernel serves another whose exports keep the version of every symbol it imports
    /// (weak-modules2 links it into the new kernel's weak-updates, and the kernel's modversions check accepts it at
    /// load); otherwise a build of the KMP for the new kernel must come with the update. The new kernel's exports are
    /// its package's <c>ksym()</c> provides in the cached repository metadata; without them nothing is assumed.
    /// </summary>
    private static KernelUpdateProblem? KmpProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed, string kmp)
    {
        var flavour = RpmKernelPackages.SuseFlavourOf(candidate.KernelVersion);
        var kernel = input.Available.FirstOrDefault(p => RpmKernelPackages.IsSuseImage(p.Name) && p.Provides.Count > 0
            && KernelImagePackage.RpmRelease(p.Name, p.Version, p.Release, p.Arch) == candidate.KernelVersion);
        var fallback = $"Lock-Kernel -Exclude {candidate.KernelVersion} until {kmp} is built for it; Set-DefaultKernel {input.ReferenceKernel} if it is already installed";
        if (kernel is null)
        {
            return Problem(input, candidate, needed, $"the symbol versions (ksym provides) of {candidate.KernelVersion} are not in the repository metadata zypper cached, so whether {kmp} loads into it cannot be checked",
                "zypper refresh, then Test-KernelUpdate again");
        }
        if (input.ModuleImports.GetValueOrDefault(needed.Name) is not { Count: > 0 } imports)
        {
            return Problem(input, candidate, needed, $"the symbol versions {needed.Name} imports cannot be read from {needed.Path} (no __versions section), so whether it loads into {candidate.KernelVersion} cannot be checked", fallback);
        }
        var exports = SymbolVersions(kernel.Provides, flavour);
        var broken = imports.Where(i => !exports.TryGetValue(i.Key, out var crc) || crc != i.Value).OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        if (broken.Count == 0)
        {
            return null;
        }
        // A build of the KMP that the update installs, whose symbol requirements the new kernel meets.
        var installs = input.Transaction?.PackagesInstalled(candidate.KernelVersion) ?? Array.Empty<string>();
        if (input.Available.Any(p => p.Name == kmp && installs.Contains(p.Nevra) && p.Requires.Count > 0
            && SymbolVersions(p.Requires, flavour).All(r => exports.TryGetValue(r.Key, out var crc) && crc == r.Value)))
        {
            return null;
        }
        var first = broken[0];
        var what = exports.TryGetValue(first.Key, out var changed) ? $"{first.Key} {first.Value:x8} -> {changed:x8}" : $"{first.Key} is not exported";
        return Problem(input, candidate, needed,
            $"{needed.Name} ({needed.Package ?? kmp}) was built for {input.ReferenceKernel}; {candidate.KernelVersion} changes {broken.Count} symbol version(s) it imports ({what}), so weak-modules2 will not link it into {candidate.KernelVersion} and the update brings no {kmp} built for it",
            fallback);
    }

    // ksym(default:printk) = 1234abcd, for the candidate's flavour only.
    private static Dictionary<string, uint> SymbolVersions(IEnumerable<string> entries, string flavour)
    {
        var prefix = $"ksym({flavour}:";
        var versions = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var close = entry.IndexOf(')', prefix.Length);
            var equals = entry.LastIndexOf(" = ", StringComparison.Ordinal);
            if (close > 0 && equals > close && uint.TryParse(entry.AsSpan(equals + 3), System.Globalization.NumberStyles.HexNumber, null, out var crc))
            {
                versions.TryAdd(entry[prefix.Length..close], crc);
            }
        }
        return versions;
    }

    private static KernelUpdateProblem? DkmsProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed)
    {
        var conf = needed.Package is null ? null : input.DkmsConfs.GetValueOrDefault(needed.Package);
        switch (BuildExclusion.Of(conf, candidate.KernelVersion))
        {
            case { Directive: "BUILD_EXCLUSIVE_KERNEL" } kernel:
                return Problem(input, candidate, needed, $"{needed.Package} excludes {candidate.KernelVersion} with BUILD_EXCLUSIVE_KERNEL=\"{kernel.Pattern}\" (dkms exit 77): it will not be built",
                    $"install a version of {needed.Package?.Split('/')[0]} that supports {candidate.KernelVersion}, or Lock-Kernel -Exclude {candidate.KernelVersion}");
            case { } arch:
                return Problem(input, candidate, needed, $"{needed.Package} excludes architecture {arch.Excluded} with BUILD_EXCLUSIVE_ARCH=\"{arch.Pattern}\"", "nothing to build on this architecture");
        }
        if (!HeadersAvailable(input, candidate.KernelVersion, out var headersPackage))
        {
            return Problem(input, candidate, needed, $"headers not available for {candidate.KernelVersion}: {headersPackage} is neither installed nor in any enabled repository, so DKMS cannot build {needed.Package ?? needed.Name}",
                $"enable the repository that ships {headersPackage}, or Lock-Kernel -Exclude {candidate.KernelVersion}");
        }
        if (!input.CompilerPresent)
        {
            return Problem(input, candidate, needed, "no compiler (gcc/cc) is installed, so DKMS cannot build anything", "install gcc and make");
        }
        if (input.SecureBootEnforcing && !input.DkmsKeyTrusted)
        {
            return Problem(input, candidate, needed, "Secure Boot is on and the DKMS signing key is not enrolled: the new build will be rejected at load (Key was rejected by service)",
                "mokutil --import /var/lib/dkms/mok.pub (then confirm in MokManager at the next boot)");
        }
        return null;
    }

    private static KernelUpdateProblem? AkmodProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed)
    {
        if (!input.AkmodsPresent)
        {
            return Problem(input, candidate, needed, "akmods is not installed, so nothing will build the kmod for the new kernel", "dnf install akmods");
        }
        return HeadersAvailable(input, candidate.KernelVersion, out var devel) ? null
            : Problem(input, candidate, needed, $"headers not available for {candidate.KernelVersion}: {devel} is not in any enabled repository, so akmods cannot build {needed.Name}",
                $"enable the repository that ships {devel}, or Lock-Kernel -Exclude {candidate.KernelVersion}");
    }

    private static KernelUpdateProblem? WeakUpdateProblem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed)
    {
        var built = needed.Vermagic?.Split(' ', 2)[0] ?? input.ReferenceKernel;
        return Base(built) == Base(candidate.KernelVersion) && KabiStream(built) == KabiStream(candidate.KernelVersion) ? null
            : Problem(input, candidate, needed, $"{needed.Name} is a weak-updates link to a build for {built}, which is outside the kABI stream of {candidate.KernelVersion}",
                "install a kmod package built for the new kernel's stream");
    }

    private static bool HeadersAvailable(UpdateReadinessInput input, string kernel, out string package)
    {
        if (input.Family == HostFamily.Debian)
        {
            package = "linux-headers-" + kernel;
            return input.Kernels.Any(k => k.KernelVersion == kernel && k.HasHeaders) || input.DebianAvailable.Contains(package);
        }
        package = "kernel-devel-" + KernelRelease.WithoutArch(kernel);
        return input.Kernels.Any(k => k.KernelVersion == kernel && k.HasHeaders)
            || input.Available.Any(p => p.Name == "kernel-devel" && p.KernelRelease == kernel);
    }

    private static KernelUpdateProblem Problem(UpdateReadinessInput input, UpdateCandidate candidate, ModuleStatus needed, string reason, string remediation) =>
        new(needed.Name, needed.Provider, reason, remediation);

    private static string Base(string kernel) => kernel.Split('-', 2)[0];

    // el9_7 style: the distro stream marker in the release.
    private static string KabiStream(string kernel) => Regex.Match(kernel, @"\.el\d+(_\d+)?").Value;
}
