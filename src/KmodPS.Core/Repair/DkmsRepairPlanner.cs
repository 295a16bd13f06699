using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// The DKMS part of <see cref="RepairPlanner"/>: which module/version to build or install for a kernel, and the
/// dkms commands (see <see cref="DkmsCommands"/>), or why it cannot be done there.
/// </summary>
internal static class DkmsRepairPlanner
{
    public static RepairDecision Decide(RepairInput input, RepairPair pair, InstalledKernel kernel, List<ModuleStatus> rows)
    {
        var k = pair.KernelVersion;
        var (module, version, kind, force, why) = ChooseDkmsWork(input, pair, rows);
        // Installing an existing build needs no headers; everything else builds.
        var needsBuild = kind == RepairActionKind.DkmsRebuild
            || !input.Dkms.Any(e => e.Module == module && e.Version == version && e.KernelVersion == k && e.State == DkmsState.Built);
        if (!kernel.HasHeaders && needsBuild)
        {
            var known = module is null ? rows.Select(r => r.Package).FirstOrDefault(p => p is not null) ?? pair.Name : $"{module}/{version}";
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, version, module is null ? null : known, ErrorIds.HeadersNotInstalled, FailureCategory.NotInstalled,
                $"headers not installed for {k}: DKMS cannot build {known} without them; install {RepairPlanner.HeadersPackage(input.Family, k)} (dkms was not run).");
        }
        if (module is null || version is null)
        {
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, null, null, ErrorIds.DkmsSourceNotFound, FailureCategory.ObjectNotFound,
                $"No DKMS source that builds {pair.Name} is added under {input.Root} (no dkms.conf names it): reinstall the module's DKMS package, then run Repair-KernelModule again.");
        }
        var package = $"{module}/{version}";
        if (!RepairPlanner.SafeName().IsMatch(module) || !RepairPlanner.SafeName().IsMatch(version))
        {
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, version, package, ErrorIds.InvalidDkmsName, FailureCategory.InvalidData,
                $"The DKMS tree under {input.Root} names '{package}', which is not a valid module/version (letters, digits and . _ + - only): not passed to dkms.");
        }
        if (input.Dkms.FirstOrDefault(e => e.Module == module && e.Version == version) is { } entry && (entry.Conf is null || entry.Conf.Problem is not null))
        {
            var conf = entry.SourcePath is null ? $"the dkms.conf of {package}" : TreePath.Combine(entry.SourcePath, "dkms.conf");
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, version, package, ErrorIds.StoreUnparsable, FailureCategory.InvalidData,
                $"{conf} under {input.Root} " + (entry.Conf?.Problem is { } problem ? $"cannot be parsed: {problem}" : "is missing or unreadable") +
                $"; dkms would refuse to build or install {package} (dkms was not run). Fix the file or reinstall the module's DKMS package.");
        }
        if (input.Tools.DkmsCommand is not { } dkms)
        {
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, version, package, ErrorIds.DkmsNotFound, FailureCategory.NotInstalled,
                input.Tools.DkmsProblem ?? $"dkms is not installed under {input.Root}.");
        }
        if (needsBuild && !input.Tools.CompilerPresent)
        {
            return RepairPlanner.Blocked(pair, ModuleProvider.Dkms, version, package, ErrorIds.CompilerNotFound, FailureCategory.NotInstalled,
                $"No compiler (gcc, cc or clang) under {input.Root}: DKMS cannot build {package} for {k}; install gcc and make.");
        }
        var commands = kind == RepairActionKind.DkmsRebuild
            ? new[] { DkmsCommands.Command(dkms, "build", true, module, version, k), DkmsCommands.Command(dkms, "install", force, module, version, k) }
            : new[] { DkmsCommands.Command(dkms, "install", false, module, version, k) };
        var action = new RepairAction($"dkms {package} {k}", kind, ModuleProvider.Dkms, package, version, k, commands);
        return new RepairDecision(pair, ModuleProvider.Dkms, version, package, action, null, why);
    }

    // Stale/mismatched/broken: rebuild that version (build --force keeps the installed copy in place if the build
    // fails; install --force then replaces it, because a plain install skips a version dkms still sees as installed).
    // Built: install the newest build. Added: install (dkms builds first). Missing: the newest added version of the
    // DKMS module that builds this name.
    private static (string? Module, string? Version, RepairActionKind Kind, bool Force, string Why) ChooseDkmsWork(RepairInput input, RepairPair pair, List<ModuleStatus> rows)
    {
        var k = pair.KernelVersion;
        if (rows.Where(r => r.State is ModuleState.Stale or ModuleState.Mismatch or ModuleState.Broken && r.Package is not null).OrderBy(r => RepairPlanner.Priority(r.State)).FirstOrDefault() is { } bad)
        {
            var (m, v) = RepairPlanner.Split(bad.Package!);
            var installed = input.Dkms.Any(e => e.Module == m && e.Version == v && e.KernelVersion == k && e.State == DkmsState.Installed);
            return (m, v, RepairActionKind.DkmsRebuild, installed, $"{bad.State}: rebuild {m}/{v} for {k}" + (installed ? " and reinstall it." : " and install it."));
        }
        foreach (var state in new[] { ModuleState.Built, ModuleState.Added })
        {
            if (rows.Where(r => r.State == state && r.Package is not null).Select(r => RepairPlanner.Split(r.Package!)).OrderBy(p => p.Version, KernelVersionComparer.Instance).LastOrDefault() is { Module: not null } chosen)
            {
                return (chosen.Module, chosen.Version, RepairActionKind.DkmsInstall, false,
                    state == ModuleState.Built ? $"Built, not installed: install {chosen.Module}/{chosen.Version} for {k}." : $"Added, never built for {k}: build and install {chosen.Module}/{chosen.Version}.");
            }
        }
        var source = FindSource(input, pair.Name);
        return (source?.Module, source?.Version, RepairActionKind.DkmsInstall, false,
            source is null ? string.Empty : $"Missing: build and install {source.Module}/{source.Version} for {k}.");
    }

    private static DkmsEntry? FindSource(RepairInput input, string name)
    {
        var usedElsewhere = input.Rows.Where(r => r.Name == name && r.Provider == ModuleProvider.Dkms && r.Package is not null)
            .Select(r => RepairPlanner.Split(r.Package!).Module).ToHashSet(StringComparer.Ordinal);
        return input.Dkms
            .Where(e => e.Conf is not null && e.Conf.DestModuleNames.Append(e.Module).Any(n => n.Replace('-', '_') == name))
            .OrderBy(e => usedElsewhere.Contains(e.Module) ? 1 : 0)
            .ThenBy(e => e.Version, KernelVersionComparer.Instance)
            .LastOrDefault();
    }
}
