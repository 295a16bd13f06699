namespace KmodPS.Core.Modules;

/// <summary>Reads a module file (<c>.ko</c>, <c>.ko.xz</c>, <c>.ko.zst</c>, <c>.ko.gz</c>) on this machine.</summary>
internal static class ModuleFileReader
{
    public static readonly string[] Suffixes = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

    public static bool IsModuleFileName(string name) => Suffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    /// <param name="realPath">The file's path on this machine (already mapped from the root).</param>
    /// <param name="reportedPath">The path to report (inside the root).</param>
    /// <exception cref="InvalidDataException">Corrupt or truncated module.</exception>
    /// <exception cref="IOException">Unreadable file.</exception>
    public static ModuleFileInfo Read(string realPath, string reportedPath)
    {
        if (realPath.EndsWith(".ko", StringComparison.Ordinal))
        {
            using var file = new FileByteSource(realPath);
            return Read(file, reportedPath);
        }
        var image = NativeDecompression.DecompressBySuffix(realPath, File.ReadAllBytes(realPath))
            ?? throw new InvalidDataException($"{reportedPath} is not a module file name");
        return Read(new MemoryByteSource(image), reportedPath);
    }

    public static ModuleFileInfo Read(IByteSource source, string reportedPath) =>
        new(reportedPath, ElfModinfo.Read(source), AppendedSignature.Read(source));
}
