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
internal sealed class ModuleStatusReader(ISystemRoot system, ICommandRunner runner)
{
    public ModuleStatusSnapshot Read()
    {
        var log = new DiagnosticLog();
        // One view for the whole read: every directory is resolved once, however many paths pass through it.
        var root = system.ForOneRead();
        var host = new KernelHostReader(root).Read(log);
        var kernelReader = new InstalledKernelReader(root);
        var scan = kernelReader.Scan(log);
        var unowned = scan.Kernels;
        var scanner = new KernelModuleScanner(root);
        var trees = unowned.Where(k => k.ModulesDirectory is not null).ToDictionary(k => k.KernelVersion, k => scanner.Scan(k.KernelVersion, log));
        var dkms = new DkmsTreeReader(root).Read();
        log.Merge(dkms);
        // One owner query for module files and kernel images alike (at most one rpm process per call).
        var packages = PackageBackend.Of(system);
        var ownership = packages.Ownership(host.Family, runner, "/lib/modules/", "/boot/");
        // Without a package database there is no one to ask: 100,000 kernels make half a million probe paths.
        var paths = ownership is null ? Array.Empty<string>() : trees.Values.SelectMany(t => t.OutOfTree).Where(m => m.Location != ModuleLocation.WeakUpdates).Select(m => m.Path)
            .Concat(unowned.SelectMany(InstalledKernelReader.OwnershipProbes))
            .Concat(scan.Leftovers.SelectMany(l => l.OwnershipProbes))
            .Concat(unowned.SelectMany(k => ModuleWitness.DirectoryProbes(root, k.KernelVersion))).Distinct().ToArray();
        var owned = ownership?.FindOwnedFiles(paths, "/lib/modules/", log) ?? OwnedFiles.None;
        var owners = owned.Owners;
        var kernels = InstalledKernelReader.WithOwners(unowned, owners).ToList();
        var leftovers = scan.Leftovers.Select(l => l.WithOwner(owners)).ToList();
        kernelReader.WarnAboutLeftovers(leftovers, log);
        var nextBoot = new NextBootResolver(root).Resolve(log);
        var kernelKeys = trees.Values.Select(t => t.ReferenceModule?.Signature).OfType<ModuleSignature>();
        var images = kernels.Where(k => k.ImagePath is not null).ToDictionary(k => k.KernelVersion, k => k.ImagePath!, StringComparer.Ordinal);
        var secureBoot = new SecureBootReader(root).Read(log, kernelKeys, DkmsSigningCertificate.FindPath(root), images);
        var headers = kernels.ToDictionary(k => k.KernelVersion, k => k.HeadersPath is null ? null : HeadersChange.Read(root, k.HeadersPath));
        var input = new ModuleStatusInput(
            root.RootPath, host.Family, kernels, trees, dkms.Items, owners, LoadedModuleReader.Read(root), host.RunningKernel, nextBoot.KernelVersion,
            secureBoot.Mode == SecureBootMode.Enabled, CheckOnce(secureBoot), headers, AkmodPackages(root, owners.Values),
            CompareOnce(root), KernelOptions(root, kernels, dkms.Items))
        {
            Witnesses = ModuleWitness.Read(root, kernels, WitnessListings(kernels, owned)),
        };
        return new ModuleStatusSnapshot(host, kernels, trees, nextBoot, secureBoot, ModuleStatusPlanner.Plan(input), dkms.Items, packages, log, leftovers);
    }

    // The planner asks about a (built, installed) pair more than once (the row, then whose build the file is).
    private static Func<string, string, bool> CompareOnce(ISystemRoot root)
    {
        var compared = new Dictionary<(string Built, string Installed), bool>();
        return (built, installed) =>
        {
            if (!compared.TryGetValue((built, installed), out var same))
            {
                same = compared[(built, installed)] = BuiltModuleComparer.SameBytes(root, built, installed);
            }
            return same;
        };
    }

    // One verification per signature read: a module file hard-linked into many kernels' trees is read once
    // (KernelModuleScanner), so its rows share one signature, and it verifies once. Only a signer none of the root's
    // anchors knows is looked up again in the kernel's own built-in keyring, which differs per kernel.
    private static Func<string, ModuleSignature?, SignatureCheck> CheckOnce(SecureBootState secureBoot)
    {
        var checks = new Dictionary<ModuleSignature, SignatureCheck>(ReferenceEqualityComparer.Instance);
        return (kernel, signature) =>
        {
            if (signature is null)
            {
                return secureBoot.Check(null);
            }
            if (!checks.TryGetValue(signature, out var check))
            {
                checks[signature] = check = secureBoot.Check(signature);
            }
            return secureBoot.InKernel(check, signature, kernel);
        };
    }

    // What the kernels' own packages list is their in-tree business (and kernel/ is skipped anyway); a package that
    // owns a kernel's image or modules.builtin is not a witness for out-of-tree modules.
    private static IReadOnlyDictionary<string, string> WitnessListings(IEnumerable<InstalledKernel> kernels, OwnedFiles owned)
    {
        var kernelPackages = kernels.Select(k => k.Package).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return owned.Listed.Where(l => !kernelPackages.Contains(l.Value)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
    }

    // dkms reads <kernel source>/.config for BUILD_EXCLUSIVE_CONFIG; a kernel without it excludes nothing, as in dkms.
    private static Dictionary<string, IReadOnlySet<string>>? KernelOptions(ISystemRoot root, IEnumerable<InstalledKernel> kernels, IEnumerable<DkmsEntry> dkms)
    {
        if (!dkms.Any(e => e.Conf?.BuildExclusiveConfig is not null))
        {
            return null;
        }
        var options = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var kernel in kernels.Where(k => k.HeadersPath is not null))
        {
            var config = TreePath.Combine(kernel.HeadersPath!, ".config");
            if (root.FileExists(config))
            {
                options[kernel.KernelVersion] = BuildExclusion.EnabledOptions(root.ReadAllText(config));
            }
        }
        return options;
    }

    // akmods keeps the source RPM of each module it builds as /usr/src/akmods/<name>-kmod.latest; the kmod-<name>-<kernel>
    // packages it builds locally are the Akmod provider, not a repository's kmod package.
    private static HashSet<string> AkmodPackages(ISystemRoot root, IEnumerable<string> ownerPackages)
    {
        var stems = root.ListDirectory("/usr/src/akmods")
            .Where(n => n.EndsWith("-kmod.latest", StringComparison.Ordinal))
            .Select(n => "kmod-" + n[..^"-kmod.latest".Length])
            .ToList();
        return ownerPackages.Where(p => stems.Any(s => p.StartsWith(s + "-", StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);
    }
}
