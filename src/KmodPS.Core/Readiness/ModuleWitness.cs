using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Readiness;

/// <summary>
/// A module file that something other than the file itself says should exist: the package that lists it, or the
/// kernel's modules.dep. When the file is gone or is not a regular file, the witness is what makes it a problem row
/// instead of a module that silently vanishes from the report.
/// </summary>
/// <param name="Package">The package that lists it; null when only modules.dep does.</param>
/// <param name="Found">What is at the path instead of a module file: null when nothing, else "a directory" and so on.</param>
internal sealed record ModuleWitness(string KernelVersion, string Path, string Witness, string? Package, string? Found)
{
    private const string ModulesRoot = "/lib/modules/";

    /// <summary>
    /// The module files of each kernel that the owning packages (from <paramref name="listed"/>) or modules.dep name
    /// outside the kernel's own <c>kernel/</c> tree, with what is at each path now.
    /// </summary>
    public static IReadOnlyList<ModuleWitness> Read(ISystemRoot root, IEnumerable<InstalledKernel> kernels, IReadOnlyDictionary<string, string> listed)
    {
        var witnesses = new List<ModuleWitness>();
        foreach (var kernel in kernels.Select(k => k.KernelVersion))
        {
            var directory = ModulesRoot + kernel + "/";
            var expected = new Dictionary<string, (string Witness, string? Package)>(StringComparer.Ordinal);
            foreach (var (path, package) in listed)
            {
                var tree = path.StartsWith("/usr/lib/", StringComparison.Ordinal) ? path["/usr".Length..] : path;
                if (tree.StartsWith(directory, StringComparison.Ordinal) && IsOutOfTreeModule(tree[directory.Length..]))
                {
                    expected.TryAdd(tree, ($"the package {package} lists it", package));
                }
            }
            foreach (var relative in ModulesDep(root, directory))
            {
                expected.TryAdd(directory + relative, ($"modules.dep of {kernel} lists it", null));
            }
            witnesses.AddRange(expected.Select(e => new ModuleWitness(kernel, e.Key, e.Value.Witness, e.Value.Package, WhatIsAt(root, e.Key))));
        }
        return witnesses;
    }

    /// <summary>The directories under a kernel's out-of-tree module directories, whose owner names a kmod package even when its files are gone.</summary>
    public static IEnumerable<string> DirectoryProbes(ISystemRoot root, string kernelVersion)
    {
        var directory = ModulesRoot + kernelVersion;
        foreach (var top in root.ListDirectory(directory).Where(t => t is "extra" or "updates"))
        {
            foreach (var sub in root.ListDirectory(TreePath.Combine(directory, top)))
            {
                var path = TreePath.Combine(directory, top + "/" + sub);
                if (!root.IsSymbolicLink(path) && root.DirectoryExists(path) && !ModuleFileReader.IsModuleFileName(sub))
                {
                    yield return path;
                }
            }
        }
    }

    private static bool IsOutOfTreeModule(string relative) =>
        !relative.StartsWith("kernel/", StringComparison.Ordinal) && ModuleFileReader.IsModuleFileName(relative);

    // modules.dep: "<path>: <dependencies>", paths relative to the kernel's directory (absolute in old depmod output).
    private static IEnumerable<string> ModulesDep(ISystemRoot root, string directory)
    {
        string text;
        try
        {
            text = root.FileExists(directory + "modules.dep") ? root.ReadAllText(directory + "modules.dep") : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var path = line[..colon].Trim();
            var relative = path.StartsWith(directory, StringComparison.Ordinal) ? path[directory.Length..] : path;
            if (!relative.StartsWith('/') && !relative.Contains("..", StringComparison.Ordinal) && IsOutOfTreeModule(relative)
                && !relative.StartsWith("weak-updates/", StringComparison.Ordinal))
            {
                yield return relative;
            }
        }
    }

    private static string? WhatIsAt(ISystemRoot root, string path) =>
        root.IsSymbolicLink(path) && root.ResolvePath(path) is null ? "a dangling link"
        : root.DirectoryExists(path) ? "a directory"
        : root.FileExists(path) ? "not a regular file"
        : null;
}
