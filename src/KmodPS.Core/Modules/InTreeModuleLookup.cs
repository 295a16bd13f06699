using KmodPS.Core.Platform;

namespace KmodPS.Core.Modules;

/// <summary>Finds an in-tree module of a kernel by name through modules.order (for an explicit -Name).</summary>
internal static class InTreeModuleLookup
{
    public static ScannedModule? Find(ISystemRoot root, string kernelVersion, string name)
    {
        var directory = TreePath.Combine("/lib/modules", kernelVersion);
        var order = TreePath.Combine(directory, "modules.order");
        if (!root.FileExists(order))
        {
            return null;
        }
        var wanted = name.Replace('-', '_');
        var relative = root.ReadAllText(order).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(line => ModuleFileInfo.NameFromPath(line) == wanted);
        if (relative is null)
        {
            return null;
        }
        foreach (var suffix in new[] { string.Empty, ".xz", ".zst", ".gz" })
        {
            var path = TreePath.Combine(directory, relative + suffix);
            if (root.FileExists(path))
            {
                try
                {
                    return new ScannedModule(kernelVersion, path, ModuleLocation.Kernel, null, ModuleFileReader.Read(root.MapPath(root.ResolvePath(path)!), path), null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    return new ScannedModule(kernelVersion, path, ModuleLocation.Kernel, null, null, "corrupt module: " + e.Message);
                }
            }
        }
        return null;
    }
}
