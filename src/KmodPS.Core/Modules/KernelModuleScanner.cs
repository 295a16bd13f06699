using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Modules;

/// <summary>
/// Finds the out-of-tree modules of a kernel: everything under extra/, updates/, weak-updates/ (and other
/// non-kernel directories), plus files under kernel/ that modules.order does not list and whose .modinfo
/// lacks <c>intree=Y</c>. In-tree modules are not read, except one for the kernel's reference vermagic.
/// </summary>
public sealed class KernelModuleScanner(ISystemRoot root)
{
    private static readonly HashSet<string> SkippedTopLevel = new(StringComparer.Ordinal) { "kernel", "build", "source", "vdso", "initrd", "systemtap" };

    // Files already read by this scanner: a module hard-linked into many kernels' trees is read (and hashed) once.
    private readonly Dictionary<FileIdentity, ModuleFileInfo> _read = new();

    public KernelModuleTree Scan(string kernelVersion, DiagnosticLog log)
    {
        var directory = TreePath.Combine("/lib/modules", kernelVersion);
        var found = new List<ScannedModule>();
        foreach (var top in root.ListDirectory(directory))
        {
            var path = TreePath.Combine(directory, top);
            if (SkippedTopLevel.Contains(top) || root.IsSymbolicLink(path) || !root.DirectoryExists(path))
            {
                continue;
            }
            var location = top switch { "extra" => ModuleLocation.Extra, "updates" => ModuleLocation.Updates, "weak-updates" => ModuleLocation.WeakUpdates, _ => ModuleLocation.Other };
            foreach (var file in root.EnumerateFilesRecursive(path).Where(f => ModuleFileReader.IsModuleFileName(f)))
            {
                found.Add(Read(kernelVersion, file, location));
            }
        }
        var inTreeOrder = ReadModulesOrder(directory);
        ModuleFileInfo? reference = null;
        foreach (var file in root.EnumerateFilesRecursive(TreePath.Combine(directory, "kernel")).Where(f => ModuleFileReader.IsModuleFileName(f)))
        {
            var relative = WithoutCompression(file[(directory.Length + 1)..]);
            if (inTreeOrder is not null && inTreeOrder.Contains(relative))
            {
                reference ??= TryReadReference(file);
                continue;
            }
            var scanned = Read(kernelVersion, file, ModuleLocation.Kernel);
            if (scanned.Info is { InTree: true })
            {
                reference ??= scanned.Info;
                continue;
            }
            found.Add(scanned);
        }
        if (inTreeOrder is null && root.DirectoryExists(TreePath.Combine(directory, "kernel")))
        {
            log.Warn($"{directory}/modules.order is missing: every module under kernel/ was read to tell in-tree from out-of-tree.");
        }
        return new KernelModuleTree(kernelVersion, found, reference?.Vermagic, reference);
    }

    private ScannedModule Read(string kernelVersion, string path, ModuleLocation location)
    {
        string? linkTarget = null;
        var resolved = path;
        if (root.IsSymbolicLink(path))
        {
            linkTarget = root.ReadLink(path);
            resolved = root.ResolvePath(path) ?? string.Empty;
            if (resolved.Length == 0)
            {
                return new ScannedModule(kernelVersion, path, location, linkTarget, null, $"dangling link to {linkTarget}");
            }
        }
        try
        {
            return new ScannedModule(kernelVersion, path, location, linkTarget, ModuleFileReader.Read(root.MapPath(resolved), path, _read), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new ScannedModule(kernelVersion, path, location, linkTarget, null, e switch
            {
                UnauthorizedAccessException => "unreadable: " + e.Message,
                NotARegularFileException => e.Message,
                _ => "corrupt module: " + e.Message,
            });
        }
    }

    private ModuleFileInfo? TryReadReference(string path)
    {
        try
        {
            return ModuleFileReader.Read(root.MapPath(root.ResolvePath(path) ?? path), path, _read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    private HashSet<string>? ReadModulesOrder(string directory)
    {
        var path = TreePath.Combine(directory, "modules.order");
        if (!root.FileExists(path))
        {
            return null;
        }
        try
        {
            return root.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(WithoutCompression).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string WithoutCompression(string path)
    {
        foreach (var suffix in new[] { ".xz", ".zst", ".gz" })
        {
            if (path.EndsWith(".ko" + suffix, StringComparison.Ordinal))
            {
                return path[..^suffix.Length];
            }
        }
        return path;
    }
}
