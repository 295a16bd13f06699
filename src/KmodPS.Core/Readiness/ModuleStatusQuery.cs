using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Readiness;

/// <summary>What Get-KernelModuleStatus asks for: names are wildcards, and an exact name also finds an in-tree module.</summary>
public sealed record ModuleStatusFilter(
    KernelSelection Kernels,
    IReadOnlyList<string> Names,
    IReadOnlyList<ModuleProvider> Providers,
    bool NextBootOnly,
    bool ProblemsOnly);

/// <summary>
/// Get-KernelModuleStatus's rows: each root is read once (<see cref="ModuleStatusReader"/>) however many inputs
/// name it, and its diagnostics are reported with the first of them.
/// </summary>
public sealed class ModuleStatusQuery(ICommandRunner runner)
{
    private readonly Dictionary<string, ModuleStatusSnapshot> _snapshots = new(StringComparer.Ordinal);

    public Report<ModuleStatus> Read(ISystemRoot root, ModuleStatusFilter filter)
    {
        var log = new DiagnosticLog();
        var snapshot = Snapshot(root, log);
        var kernels = snapshot.Kernels.Where(k => filter.Kernels.Matches(k.KernelVersion)).ToList();
        filter.Kernels.Unmatched(root.RootPath).ToList().ForEach(log.Fail);
        if (filter.NextBootOnly && snapshot.NextBoot.KernelVersion is null)
        {
            log.Warn($"The kernel that boots next cannot be determined under {root.RootPath}: {snapshot.NextBoot.Explanation}");
        }
        // In-tree rows may read a kernel image's builtin keyring now, warning into the snapshot's log: pass those on.
        var earlier = snapshot.Log.Warnings.Count;
        var selected = kernels.Select(k => k.KernelVersion).ToHashSet(StringComparer.Ordinal);
        var names = filter.Names.Select(n => new Wildcard(n.Replace('-', '_'))).ToList();
        var rows = snapshot.Rows
            .Where(r => selected.Contains(r.KernelVersion))
            .Where(r => names.Count == 0 || names.Any(n => n.IsMatch(r.Name)))
            .Concat(InTreeRows(root, snapshot, kernels, names.Where(n => !n.HasWildcards).Select(n => n.Text)))
            .Where(r => filter.Providers.Count == 0 || filter.Providers.Contains(r.Provider))
            .Where(r => !filter.NextBootOnly || r.IsNextBootKernel)
            .Where(r => !filter.ProblemsOnly || r.IsProblem)
            .ToList();
        snapshot.Log.Warnings.Skip(earlier).ToList().ForEach(log.Warn);
        return log.ToReport<ModuleStatus>(rows);
    }

    private ModuleStatusSnapshot Snapshot(ISystemRoot root, DiagnosticLog log)
    {
        if (!_snapshots.TryGetValue(root.RootPath, out var snapshot))
        {
            snapshot = _snapshots[root.RootPath] = new ModuleStatusReader(root, runner).Read();
            log.Merge(snapshot.Log);
        }
        return snapshot;
    }

    // In-tree modules are never listed unless asked for by their exact name.
    private static IEnumerable<ModuleStatus> InTreeRows(ISystemRoot root, ModuleStatusSnapshot snapshot, IReadOnlyList<InstalledKernel> kernels, IEnumerable<string> exactNames)
    {
        foreach (var name in exactNames)
        {
            foreach (var kernel in kernels)
            {
                if (snapshot.Rows.Any(r => r.KernelVersion == kernel.KernelVersion && r.Name == name)
                    || InTreeModuleLookup.Find(root, kernel.KernelVersion, name) is not { } module)
                {
                    continue;
                }
                var check = module.Info is null ? null : snapshot.SecureBoot.Check(module.Info.Signature, kernel.KernelVersion);
                yield return new ModuleStatus(name, module.Info?.Version, kernel.KernelVersion, ModuleProvider.Kernel,
                    module.Info is null ? ModuleState.Broken : ModuleState.Installed,
                    module.Info is null ? $"{module.Path}: {module.Error}" : $"In-tree module shipped with {kernel.KernelVersion}.",
                    kernel.Package, module.Path, module.Info?.Vermagic, module.Info?.SrcVersion, module.Info?.Signature?.Signer,
                    module.Info?.Signature?.KeyId, check?.Trusted, null, kernel.IsRunning, kernel.KernelVersion == snapshot.NextBoot.KernelVersion, root.RootPath,
                    check?.Description);
            }
        }
    }
}
