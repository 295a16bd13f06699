using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Gathers a host's module state once (kernels, module trees, DKMS tree, package owners in one query,
/// loaded modules, next boot, Secure Boot) and plans the status rows. Reads only; runs at most one
/// package-database process (rpm) and nothing else.
/// </summary>
internal sealed class ModuleStatusReader(ISystemRoot root, ICommandRunner runner)
{
    public ModuleStatusSnapshot Read()
    {
        var log = new DiagnosticLog();
        var host = new KernelHostReader(root).Read(log);
        var kernelReport = new InstalledKernelReader(root).Read();
        log.Merge(kernelReport);
        var unowned = kernelReport.Items;
        var scanner = new KernelModuleScanner(root);
        var trees = unowned.Where(k => k.ModulesDirectory is not null).ToDictionary(k => k.KernelVersion, k => scanner.Scan(k.KernelVersion, log));
        var dkms = new DkmsTreeReader(root).Read();
        log.Merge(dkms);
        // One owner query for module files and kernel images alike (at most one rpm process per call).
        var packages = PackageBackend.Of(root);
        var ownership = packages.Ownership(host.Family, runner, "/lib/modules/", "/boot/");
        var paths = trees.Values.SelectMany(t => t.OutOfTree).Where(m => m.Location != ModuleLocation.WeakUpdates).Select(m => m.Path)
            .Concat(unowned.SelectMany(InstalledKernelReader.OwnershipProbes)).Distinct().ToArray();
        var owners = ownership?.FindOwners(paths, log) ?? new Dictionary<string, string>();
        var kernels = InstalledKernelReader.WithOwners(unowned, owners).ToList();
        var nextBoot = new NextBootResolver(root).Resolve(log);
        var kernelKeys = trees.Values.Select(t => t.ReferenceModule?.Signature).OfType<ModuleSignature>();
        var secureBoot = new SecureBootReader(root).Read(log, kernelKeys, DkmsSigningCertificate.FindPath(root));
        var headers = kernels.ToDictionary(k => k.KernelVersion, k => k.HeadersPath is null ? null : HeadersChange.Read(root, k.HeadersPath));
        var input = new ModuleStatusInput(
            root.RootPath, host.Family, kernels, trees, dkms.Items, owners, LoadedModuleReader.Read(root), host.RunningKernel, nextBoot.KernelVersion,
            secureBoot.Mode == SecureBootMode.Enabled, (_, signature) => secureBoot.Check(signature), headers, AkmodPackages(owners.Values));
        return new ModuleStatusSnapshot(host, kernels, trees, nextBoot, secureBoot, ModuleStatusPlanner.Plan(input), dkms.Items, packages, log);
    }

    // akmods keeps the source RPM of each module it builds as /usr/src/akmods/<name>-kmod.latest; the kmod-<name>-<kernel>
    // packages it builds locally are the Akmod provider, not a repository's kmod package.
    private HashSet<string> AkmodPackages(IEnumerable<string> ownerPackages)
    {
        var stems = root.ListDirectory("/usr/src/akmods")
            .Where(n => n.EndsWith("-kmod.latest", StringComparison.Ordinal))
            .Select(n => "kmod-" + n[..^"-kmod.latest".Length])
            .ToList();
        return ownerPackages.Where(p => stems.Any(s => p.StartsWith(s + "-", StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);
    }
}
