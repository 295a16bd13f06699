using System.IO.Compression;
using System.Runtime.InteropServices;

namespace KmodPS.Core.Modules;

/// <summary>
/// In-process decompression of <c>.ko.gz</c> (managed), <c>.ko.xz</c> (liblzma) and <c>.ko.zst</c> (libzstd):
/// the same system libraries kmod itself links, so no modinfo or xz process is needed.
/// </summary>
internal static class NativeDecompression
{
    private const int LzmaOk = 0;
    private const int LzmaBufferError = 10;
    private const ulong ZstdContentSizeUnknown = ulong.MaxValue;
    private const ulong ZstdContentSizeError = ulong.MaxValue - 1;

    /// <summary>Decompresses by file suffix; returns null for an uncompressed name.</summary>
    /// <exception cref="InvalidDataException">Corrupt data, or the system library is missing.</exception>
    public static byte[]? DecompressBySuffix(string path, byte[] data)
    {
        try
        {
            return path.EndsWith(".gz", StringComparison.Ordinal) ? Gzip(data)
                : path.EndsWith(".xz", StringComparison.Ordinal) ? Xz(data)
                : path.EndsWith(".zst", StringComparison.Ordinal) ? Zstd(data)
                : null;
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidDataException($"cannot decompress {Path.GetFileName(path)}: {e.Message}", e);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new InvalidDataException($"cannot decompress {Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream(data.Length * 3);
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Xz(byte[] data)
    {
        for (var capacity = Math.Max(data.Length * 4, 1 << 16); capacity <= 1 << 30; capacity *= 2)
        {
            var output = new byte[capacity];
            ulong memoryLimit = ulong.MaxValue;
            nuint inputPosition = 0;
            nuint outputPosition = 0;
            var result = lzma_stream_buffer_decode(ref memoryLimit, 0, IntPtr.Zero, data, ref inputPosition, (nuint)data.Length, output, ref outputPosition, (nuint)output.Length);
            if (result == LzmaOk)
            {
                Array.Resize(ref output, (int)outputPosition);
                return output;
            }
            if (result != LzmaBufferError)
            {
                throw new InvalidDataException($"xz data is corrupt (liblzma error {result})");
            }
        }
        throw new InvalidDataException("xz data expands beyond 1 GiB");
    }

    private static byte[] Zstd(byte[] data)
    {
        var size = ZSTD_getFrameContentSize(data, (nuint)data.Length);
        if (size == ZstdContentSizeError)
        {
            throw new InvalidDataException("zstd data is corrupt");
        }
        for (var capacity = size == ZstdContentSizeUnknown ? (ulong)Math.Max(data.Length * 4, 1 << 16) : size; capacity <= 1 << 30; capacity *= 2)
        {
            var output = new byte[capacity];
            var written = ZSTD_decompress(output, (nuint)output.Length, data, (nuint)data.Length);
            if (ZSTD_isError(written) == 0)
            {
                Array.Resize(ref output, (int)written);
                return output;
            }
            if (size != ZstdContentSizeUnknown)
            {
                break;
            }
        }
        throw new InvalidDataException("zstd data is corrupt");
    }

    [DllImport("liblzma.so.5")]
    private static extern int lzma_stream_buffer_decode(ref ulong memlimit, uint flags, IntPtr allocator, byte[] input, ref nuint inputPosition, nuint inputSize, byte[] output, ref nuint outputPosition, nuint outputSize);

    [DllImport("libzstd.so.1")]
    private static extern ulong ZSTD_getFrameContentSize(byte[] source, nuint sourceSize);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_decompress(byte[] destination, nuint destinationCapacity, byte[] source, nuint sourceSize);

    [DllImport("libzstd.so.1")]
    private static extern uint ZSTD_isError(nuint code);
}
