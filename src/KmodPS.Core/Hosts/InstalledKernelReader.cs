using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>Finds the kernels of a root from <c>/lib/modules/*</c> and <c>/boot/vmlinuz-*</c>.</summary>
public sealed class InstalledKernelReader
{
    private const string ModulesRoot = "/lib/modules";
    private const string BootDirectory = "/boot";
    private const string ImagePrefix = "vmlinuz-";

    private readonly ISystemRoot _root;
    private readonly IPackageOwnership? _owners;

    public InstalledKernelReader(ISystemRoot root, IPackageOwnership? owners = null)
    {
        _root = root;
        _owners = owners;
    }

    /// <summary>Every kernel under the root, oldest first.</summary>
    public Report<InstalledKernel> Read()
    {
        var log = new DiagnosticLog();
        var versions = new SortedSet<string>(KernelVersionComparer.Instance);
        foreach (var name in ListOrWarn(ModulesRoot, log))
        {
            if (_root.DirectoryExists(TreePath.Combine(ModulesRoot, name)))
            {
                AddIfValid(versions, name, TreePath.Combine(ModulesRoot, name), log);
            }
        }
        foreach (var name in ListOrWarn(BootDirectory, log))
        {
            if (name.StartsWith(ImagePrefix, StringComparison.Ordinal) && !name.StartsWith("vmlinuz-0-rescue-", StringComparison.Ordinal))
            {
                AddIfValid(versions, name[ImagePrefix.Length..], TreePath.Combine(BootDirectory, name), log);
            }
        }
        var running = RunningKernel.Read(_root);
        var kernels = versions.Select(v => Describe(v, running)).ToList();
        kernels = AttachOwners(kernels, log);
        if (_root.IsHostRoot && running is not null && !versions.Contains(running))
        {
            log.Warn($"The running kernel {running} has no /lib/modules/{running} directory and no /boot/vmlinuz-{running} image on this host.");
        }
        return log.ToReport<InstalledKernel>(kernels);
    }

    private InstalledKernel Describe(string version, string? running)
    {
        var modulesDirectory = TreePath.Combine(ModulesRoot, version);
        var hasModules = _root.DirectoryExists(modulesDirectory);
        var image = new[] { TreePath.Combine(BootDirectory, ImagePrefix + version), TreePath.Combine(modulesDirectory, "vmlinuz") }
            .FirstOrDefault(_root.FileExists);
        var headers = hasModules ? _root.ResolvePath(TreePath.Combine(modulesDirectory, "build")) : null;
        if (headers is not null && !_root.DirectoryExists(headers))
        {
            headers = null;
        }
        return new InstalledKernel(version, _root.RootPath, image, hasModules ? modulesDirectory : null, headers is not null, headers, version == running, package: null);
    }

    private List<InstalledKernel> AttachOwners(List<InstalledKernel> kernels, DiagnosticLog log)
    {
        if (_owners is null)
        {
            return kernels;
        }
        var owners = _owners.FindOwners(kernels.SelectMany(OwnershipProbes).Distinct().ToArray(), log);
        return WithOwners(kernels, owners).ToList();
    }

    /// <summary>The kernels with the owner of their first owned probe path (for callers that batch owner queries).</summary>
    public static IEnumerable<InstalledKernel> WithOwners(IEnumerable<InstalledKernel> kernels, IReadOnlyDictionary<string, string> owners) =>
        kernels.Select(k =>
        {
            var owner = OwnershipProbes(k).Select(p => owners.GetValueOrDefault(p)).FirstOrDefault(o => o is not null);
            return new InstalledKernel(k.KernelVersion, k.Root, k.ImagePath, k.ModulesDirectory, k.HasHeaders, k.HeadersPath, k.IsRunning, owner, k.IsDefault, k.BootEntryId, k.IsLocked);
        });

    /// <summary>The files whose owner is the kernel's package: the image decides; a bare modules tree may belong to a headers package.</summary>
    public static string[] OwnershipProbes(InstalledKernel kernel) => new[]
    {
        kernel.ImagePath,
        TreePath.Combine(BootDirectory, ImagePrefix + kernel.KernelVersion),
        TreePath.Combine(ModulesRoot, kernel.KernelVersion + "/vmlinuz"),
        TreePath.Combine(ModulesRoot, kernel.KernelVersion + "/modules.builtin"),
        TreePath.Combine(ModulesRoot, kernel.KernelVersion + "/modules.order"),
    }.OfType<string>().Distinct().ToArray();

    private IReadOnlyList<string> ListOrWarn(string directory, DiagnosticLog log)
    {
        try
        {
            return _root.ListDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {_root.MapPath(directory)}: {e.Message}");
            return Array.Empty<string>();
        }
    }

    private static void AddIfValid(ISet<string> versions, string version, string foundAt, DiagnosticLog log)
    {
        if (KernelRelease.IsValid(version))
        {
            versions.Add(version);
        }
        else
        {
            log.Warn($"Ignoring {foundAt}: '{version}' is not a kernel release name.");
        }
    }
}
