using KmodPS.Core.Platform;
using Microsoft.Win32.SafeHandles;

namespace KmodPS.Core.Modules;

/// <summary>
/// Reads a module file (<c>.ko</c>, <c>.ko.xz</c>, <c>.ko.zst</c>, <c>.ko.gz</c>) on this machine: regular files only,
/// never blocking (<see cref="RegularFile"/>). A compressed module is decompressed, streaming, into an unlinked
/// temporary file and read from there like a <c>.ko</c>, so the whole image (which the signature covers) is never
/// held in memory.
/// </summary>
internal static class ModuleFileReader
{
    public static readonly string[] Suffixes = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

    /// <summary>
    /// The largest decompressed module read: 256 MiB. The biggest real modules (nvidia's) are well under 128 MiB;
    /// anything larger is reported Broken as a decompression bomb, after at most this much was written to disk.
    /// </summary>
    public const long MaxDecompressedSize = 256L << 20;

    private static readonly byte[] ElfMagic = { 0x7f, (byte)'E', (byte)'L', (byte)'F' };

    public static bool IsModuleFileName(string name) => Suffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    /// <param name="realPath">The file's path on this machine (already mapped from the root).</param>
    /// <param name="reportedPath">The path to report (inside the root).</param>
    /// <exception cref="InvalidDataException">Corrupt or truncated module, or a decompression bomb.</exception>
    /// <exception cref="NotARegularFileException">A FIFO, device or socket: named, not opened.</exception>
    /// <exception cref="IOException">Unreadable file.</exception>
    public static ModuleFileInfo Read(string realPath, string reportedPath) => Read(realPath, reportedPath, null);

    /// <summary>
    /// As <see cref="Read(string, string)"/>; a file already in <paramref name="seen"/> (the same file again, or a hard
    /// link to it, unchanged) is not read again, and a file read is added to it.
    /// </summary>
    public static ModuleFileInfo Read(string realPath, string reportedPath, IDictionary<FileIdentity, ModuleFileInfo>? seen)
    {
        using var handle = RegularFile.OpenRead(realPath);
        var identity = seen is null ? null : FileIdentity.Of(handle);
        if (identity is { } known && seen!.TryGetValue(known, out var read))
        {
            return read.At(reportedPath);
        }
        using var file = Open(realPath, handle);
        var info = Read(file, reportedPath);
        if (identity is { } id)
        {
            seen![id] = info;
        }
        return info;
    }

    /// <summary>The CRCs of the symbols the module imports (its __versions section), for a kABI comparison.</summary>
    /// <exception cref="InvalidDataException">Corrupt or truncated module, or a decompression bomb.</exception>
    /// <exception cref="IOException">Unreadable file.</exception>
    public static IReadOnlyDictionary<string, uint> ReadModVersions(string realPath)
    {
        using var handle = RegularFile.OpenRead(realPath);
        using var file = Open(realPath, handle);
        return ModuleElf.ModVersions(file);
    }

    private static FileByteSource Open(string realPath, SafeFileHandle handle) =>
        NativeDecompression.IsCompressed(realPath) ? new FileByteSource(Decompress(realPath, handle)) : new FileByteSource(handle);

    public static ModuleFileInfo Read(IByteSource source, string reportedPath) =>
        new(reportedPath, ModuleElf.Modinfo(source), AppendedSignature.Read(source));

    private static SafeFileHandle Decompress(string realPath, SafeFileHandle handle)
    {
        using var compressed = new FileStream(handle, FileAccess.Read, 1 << 16);
        var image = TemporaryImage();
        try
        {
            long written = 0;
            NativeDecompression.Decompress(realPath, compressed, chunk =>
            {
                if (written + chunk.Length > MaxDecompressedSize)
                {
                    throw new InvalidDataException($"decompresses to more than {MaxDecompressedSize >> 20} MiB, the most a module may be (a decompression bomb?); stopped there");
                }
                RandomAccess.Write(image, chunk, written);
                written += chunk.Length;
                // Not an ELF object: no need to decompress further.
                if (written >= ElfMagic.Length && written - chunk.Length < ElfMagic.Length)
                {
                    Span<byte> head = stackalloc byte[ElfMagic.Length];
                    RandomAccess.Read(image, head, 0);
                    if (!head.SequenceEqual(ElfMagic))
                    {
                        throw new InvalidDataException("not an ELF file");
                    }
                }
            });
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    // Unlinked at once: nothing is left behind, even if the process is killed.
    private static SafeFileHandle TemporaryImage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kmodps-module-{Environment.ProcessId}-{Guid.NewGuid():N}.ko");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        File.Delete(path);
        return handle;
    }
}
