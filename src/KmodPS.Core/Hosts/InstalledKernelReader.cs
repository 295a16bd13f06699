using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>
/// Finds the kernels of a root: a release is installed when it has a kernel image (<c>/boot/vmlinuz-*</c>, or EL's
/// <c>/lib/modules/*/vmlinuz</c>). A <c>/lib/modules/*</c> directory without one is a <see cref="KernelLeftover"/>,
/// reported in a warning and never listed as a kernel.
/// </summary>
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

    /// <summary>Every kernel under the root, oldest first; a warning for each leftover module directory.</summary>
    public Report<InstalledKernel> Read()
    {
        var log = new DiagnosticLog();
        var scan = Scan(log);
        var kernels = scan.Kernels;
        if (_owners is not null)
        {
            var owners = _owners.FindOwners(kernels.SelectMany(OwnershipProbes).Concat(scan.Leftovers.SelectMany(l => l.OwnershipProbes)).Distinct().ToArray(), log);
            kernels = WithOwners(kernels, owners).ToList();
            scan = scan with { Leftovers = scan.Leftovers.Select(l => l.WithOwner(owners)).ToList() };
        }
        WarnAboutLeftovers(scan.Leftovers, log);
        return log.ToReport<InstalledKernel>(kernels);
    }

    /// <summary>The kernels (owners not attached) and the leftover module directories (owners not attached), oldest first.</summary>
    public KernelScan Scan(DiagnosticLog log)
    {
        // One listing of each directory; only links are resolved one by one (a root may hold 100,000 entries).
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var modules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ListOrWarn(ModulesRoot, log))
        {
            var path = TreePath.Combine(ModulesRoot, entry.Name);
            if (entry.Kind == RootEntryKind.Directory || entry.Kind == RootEntryKind.Link && _root.DirectoryExists(path))
            {
                modules.Add(entry.Name);
                AddIfValid(versions, entry.Name, path, log);
            }
        }
        var images = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ListOrWarn(BootDirectory, log))
        {
            var name = entry.Name;
            if (name.StartsWith(ImagePrefix, StringComparison.Ordinal) && !name.StartsWith("vmlinuz-0-rescue-", StringComparison.Ordinal))
            {
                var path = TreePath.Combine(BootDirectory, name);
                if (entry.Kind == RootEntryKind.File || entry.Kind == RootEntryKind.Link && _root.FileExists(path))
                {
                    images.Add(name[ImagePrefix.Length..]);
                }
                AddIfValid(versions, name[ImagePrefix.Length..], path, log);
            }
        }
        var running = RunningKernel.Read(_root);
        var ordered = versions.ToList();
        ordered.Sort(KernelVersionComparer.Instance); // once, not on each insert: 100,000 releases
        var found = ordered.Select(v => Describe(v, running, modules.Contains(v), images.Contains(v))).ToList();
        if (_root.IsHostRoot && running is not null && !versions.Contains(running))
        {
            log.Warn($"The running kernel {running} has no /lib/modules/{running} directory and no /boot/vmlinuz-{running} image on this host.");
        }
        var leftovers = found.Where(k => k.ImagePath is null && !k.IsRunning).Select(k => Leftover(k.KernelVersion)).ToList();
        return new KernelScan(found.Where(k => k.ImagePath is not null || k.IsRunning).ToList(), leftovers);
    }

    /// <summary>At most this many leftovers are warned about one by one; more make one warning.</summary>
    public const int LeftoversWarnedEach = 3;

    /// <summary>
    /// One warning per leftover, naming its size and owner; beyond <see cref="LeftoversWarnedEach"/>, one warning with the
    /// count and the first few, and each leftover's own warning on the verbose stream.
    /// </summary>
    public void WarnAboutLeftovers(IReadOnlyList<KernelLeftover> leftovers, DiagnosticLog log)
    {
        if (leftovers.Count <= LeftoversWarnedEach)
        {
            leftovers.ToList().ForEach(l => log.Warn(l.Warning(_root)));
            return;
        }
        var first = string.Join(", ", leftovers.Take(LeftoversWarnedEach).Select(l => l.KernelVersion));
        log.Warn($"{leftovers.Count} directories under {_root.MapPath(ModulesRoot)} are leftovers, not installed kernels: they have no kernel image "
            + $"({first} and {leftovers.Count - LeftoversWarnedEach} more). -Verbose lists each with its size and owner; Remove-Kernel removes those no package owns.");
        leftovers.ToList().ForEach(l => log.Detail(l.Warning(_root)));
    }

    /// <summary>The leftover module directory of <paramref name="kernelVersion"/>, or null when it has an image or no directory.</summary>
    public KernelLeftover? FindLeftover(string kernelVersion) =>
        Scan(new DiagnosticLog()).Leftovers.FirstOrDefault(l => l.KernelVersion == kernelVersion);

    // Links are counted and listed, never followed: the headers link leads out of the directory.
    private KernelLeftover Leftover(string version)
    {
        var directory = TreePath.Combine(ModulesRoot, version);
        var entries = new List<string>();
        long size = 0;
        void Walk(string treePath, string mapped)
        {
            IEnumerable<FileSystemInfo> children;
            try
            {
                children = new DirectoryInfo(mapped).EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            foreach (var child in children)
            {
                var path = TreePath.Combine(treePath, child.Name);
                if (child is DirectoryInfo && child.LinkTarget is null)
                {
                    Walk(path, child.FullName);
                }
                else if (child is FileInfo { LinkTarget: null } file)
                {
                    size += file.Length;
                }
                entries.Add(path);
            }
        }
        Walk(directory, _root.MapPath(_root.ResolvePath(directory) ?? directory));
        return new KernelLeftover(version, directory, size, entries);
    }

    private InstalledKernel Describe(string version, string? running, bool hasModules, bool hasBootImage)
    {
        var modulesDirectory = TreePath.Combine(ModulesRoot, version);
        var elImage = TreePath.Combine(modulesDirectory, "vmlinuz");
        var image = hasBootImage ? TreePath.Combine(BootDirectory, ImagePrefix + version)
            : hasModules && _root.FileExists(elImage) ? elImage : null;
        var headers = hasModules ? _root.ResolvePath(TreePath.Combine(modulesDirectory, "build")) : null;
        if (headers is not null && !_root.DirectoryExists(headers))
        {
            headers = null;
        }
        return new InstalledKernel(version, _root.RootPath, image, hasModules ? modulesDirectory : null, headers is not null, headers, version == running, package: null);
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

    private IReadOnlyList<RootEntry> ListOrWarn(string directory, DiagnosticLog log)
    {
        try
        {
            return _root.ListEntries(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {_root.MapPath(directory)}: {e.Message}");
            return Array.Empty<RootEntry>();
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

/// <summary>What <see cref="InstalledKernelReader.Scan"/> found: the installed kernels and the leftover module directories.</summary>
public sealed record KernelScan(IReadOnlyList<InstalledKernel> Kernels, IReadOnlyList<KernelLeftover> Leftovers);
