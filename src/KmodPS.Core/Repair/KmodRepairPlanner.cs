using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Repair;

/// <summary>
/// The kmod-package part of <see cref="RepairPlanner"/>: the repository's package built for the kernel, installed
/// with dnf, unless it is absent or would replace (upgrade away) another kernel's kmod.
/// </summary>
internal static class KmodRepairPlanner
{
    public static RepairDecision Decide(RepairInput input, RepairPair pair, ModuleStatus row)
    {
        var k = pair.KernelVersion;
        var owned = input.Rows.Where(r => r.Name == pair.Name && r.Provider == ModuleProvider.KmodPackage && r.Package is not null && r.State != ModuleState.Missing).ToList();
        var owner = owned.Select(r => r.Package!).FirstOrDefault();
        if (row.State != ModuleState.Missing)
        {
            return RepairPlanner.Planned(pair, row.Provider, row.ModuleVersion, row.Package, RepairOutcome.Skipped,
                $"{row.State}: {row.Reason} Reinstall the package yourself ('dnf reinstall {row.Package ?? "<package>"}'); Repair-KernelModule installs missing kmod packages only.");
        }
        if (input.Family != HostFamily.RedHat)
        {
            var wanted = owner is not null && owned[0].KernelVersion is var reference && owner.Contains(reference, StringComparison.Ordinal)
                ? owner.Replace(reference, k, StringComparison.Ordinal) : $"the {pair.Name} package built for {k}";
            return RepairPlanner.Planned(pair, row.Provider, null, null, RepairOutcome.Skipped,
                $"Repair-KernelModule installs kmod packages with dnf only: install {wanted} with this host's package manager.");
        }
        var stem = owner is null ? "kmod-" + pair.Name.Replace('_', '-') : Nevra.Name(owner);
        if (input.Repository is not { } repository)
        {
            return input.Tools.PackageTool is null
                ? RepairPlanner.Blocked(pair, row.Provider, null, null, ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled,
                    $"No dnf, dnf5 or yum on this machine: {stem} for {k} can be neither looked up nor installed.")
                : RepairPlanner.Blocked(pair, row.Provider, null, null, ErrorIds.PackageQueryFailed, FailureCategory.ResourceUnavailable,
                    $"The repositories could not be queried for {stem} for {k}: {input.RepositoryProblem ?? "no repository query ran"}");
        }
        if (KmodPackageMatcher.Find(repository, stem, pair.Name, k) is not { } candidate)
        {
            return RepairPlanner.Blocked(pair, row.Provider, null, null, ErrorIds.KmodPackageNotFound, FailureCategory.ObjectNotFound,
                $"{stem} for {k} is not in any enabled repository",
                $"Keep booting a kernel that has {pair.Name} (Set-DefaultKernel), or wait for the vendor to publish {stem} for {k}.");
        }
        var replaced = owned.Where(r => r.KernelVersion != k && Nevra.Name(r.Package!) == candidate.Name).ToList();
        if (replaced.Count > 0 && !KmodPackageMatcher.IsInstallOnly(candidate, input.InstallOnlyPackages))
        {
            var kernels = string.Join(", ", replaced.Select(r => r.KernelVersion).Distinct());
            return RepairPlanner.Planned(pair, row.Provider, candidate.Version, candidate.Nevra, RepairOutcome.Skipped,
                $"{candidate.Nevra} has the same name as the installed {replaced[0].Package} and is not install-only: dnf would upgrade it and remove {pair.Name} from {kernels}. "
                + $"Not installed; if {kernels} no longer needs {pair.Name}, run 'dnf install {candidate.Nevra}' yourself.");
        }
        if (input.Tools.PackageTool is not { } tool)
        {
            return RepairPlanner.Blocked(pair, row.Provider, candidate.Version, candidate.Nevra, ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled,
                $"No dnf, dnf5 or yum on this machine: {candidate.Nevra} cannot be installed.");
        }
        var command = PackageCommands.DnfInstall(tool, input.Root, input.IsHostRoot, input.Tools.ReleaseVersion, candidate.Nevra);
        var action = new RepairAction($"{tool} {candidate.Nevra}", RepairActionKind.KmodInstall, row.Provider, candidate.Nevra, candidate.Version, k, new[] { command });
        return new RepairDecision(pair, row.Provider, candidate.Version, candidate.Nevra, action, null, $"Missing: install {candidate.Nevra} from {candidate.Repository} for {k}.");
    }
}
