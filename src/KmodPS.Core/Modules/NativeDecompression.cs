using System.IO.Compression;
using System.Runtime.InteropServices;

namespace KmodPS.Core.Modules;

/// <summary>
/// Streaming decompression of <c>.ko.gz</c> (managed), <c>.ko.xz</c> (liblzma) and <c>.ko.zst</c> (libzstd): the same
/// system libraries kmod itself links, so no modinfo or xz process is needed; and, for kernel images only, the legacy
/// lz4 format the kernel build writes (liblz4). Output goes, a buffer at a time, to a
/// sink; the decoders' own memory is bounded (<see cref="DecoderMemoryLimit"/>), so a bomb costs time, never memory.
/// </summary>
internal static class NativeDecompression
{
    /// <summary>
    /// The most memory a decoder may take: xz -9's 64 MiB dictionary with room to spare; zstd's window is held to
    /// 2^26 bytes. Kernel builds compress modules with far smaller windows (kbuild: xz 2 MiB, zstd level 3..19).
    /// </summary>
    public const long DecoderMemoryLimit = 80L << 20;

    private const int ZstdWindowLogMax = 26;
    private const int BufferSize = 1 << 16;

    /// <summary>Receives each decompressed buffer; may throw to stop the decompression.</summary>
    public delegate void Sink(ReadOnlySpan<byte> chunk);

    /// <summary>The formats this class decompresses.</summary>
    public enum Format
    {
        Gzip,
        Xz,
        Zstd,

        /// <summary>lz4's legacy format (<c>lz4 -l</c>): magic 0x184C2102, then blocks of a 32-bit size and up to 8 MiB of output each.</summary>
        Lz4Legacy,
    }

    /// <summary>True for a name this class decompresses.</summary>
    public static bool IsCompressed(string path) => FormatOf(path) is not null;

    /// <summary>The format a file name's suffix names, or null.</summary>
    public static Format? FormatOf(string path) =>
        path.EndsWith(".gz", StringComparison.Ordinal) ? Format.Gzip
        : path.EndsWith(".xz", StringComparison.Ordinal) ? Format.Xz
        : path.EndsWith(".zst", StringComparison.Ordinal) ? Format.Zstd
        : null;

    /// <summary>Decompresses <paramref name="input"/> by the suffix of <paramref name="path"/>, handing each decompressed buffer to <paramref name="sink"/>.</summary>
    /// <exception cref="InvalidDataException">Corrupt data, a decoder needing more than the limit, or the system library is missing.</exception>
    public static void Decompress(string path, Stream input, Sink sink) =>
        Decompress(FormatOf(path) ?? throw new InvalidDataException($"{Path.GetFileName(path)} is not a compressed module name"), Path.GetFileName(path), input, sink);

    /// <summary>Decompresses <paramref name="input"/>, <paramref name="format"/> data named <paramref name="name"/> in messages.</summary>
    /// <exception cref="InvalidDataException">Corrupt data, a decoder needing more than the limit, or the system library is missing.</exception>
    public static void Decompress(Format format, string name, Stream input, Sink sink)
    {
        try
        {
            switch (format)
            {
                case Format.Gzip:
                    Gzip(input, sink);
                    break;
                case Format.Xz:
                    Xz(input, sink);
                    break;
                case Format.Lz4Legacy:
                    Lz4Legacy(input, sink);
                    break;
                default:
                    Zstd(input, sink);
                    break;
            }
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidDataException($"cannot decompress {name}: {e.Message}", e);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new InvalidDataException($"cannot decompress {name}: {e.Message}", e);
        }
    }

    private static void Gzip(Stream input, Sink sink)
    {
        using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            sink(buffer.AsSpan(0, read));
        }
    }

    // lzma_stream: next_in, avail_in, total_in, next_out, avail_out, total_out, then allocator, internal and reserved
    // fields that LZMA_STREAM_INIT sets to zero.
    [StructLayout(LayoutKind.Sequential)]
    private struct LzmaStream
    {
        public IntPtr NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public IntPtr NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public IntPtr Allocator;
        public IntPtr Internal;
        public IntPtr Reserved1, Reserved2, Reserved3, Reserved4;
        public ulong ReservedInt1, ReservedInt2;
        public nuint ReservedInt3, ReservedInt4;
        public int ReservedEnum1, ReservedEnum2;
    }

    private const int LzmaOk = 0;
    private const int LzmaStreamEnd = 1;
    private const int LzmaMemlimitError = 6;
    private const int LzmaRun = 0;
    private const int LzmaFinish = 3;
    private const uint LzmaConcatenated = 0x08;

    private static void Xz(Stream input, Sink sink)
    {
        var stream = new LzmaStream();
        var result = lzma_stream_decoder(ref stream, (ulong)DecoderMemoryLimit, LzmaConcatenated);
        if (result != LzmaOk)
        {
            throw new InvalidDataException($"liblzma cannot start a decoder (error {result})");
        }
        try
        {
            var inBuffer = new byte[BufferSize];
            var outBuffer = new byte[BufferSize];
            var action = LzmaRun;
            using var inPin = new Pinned(inBuffer);
            using var outPin = new Pinned(outBuffer);
            var inPointer = inPin.Address;
            var outPointer = outPin.Address;
            {
                while (true)
                {
                    if (stream.AvailIn == 0 && action == LzmaRun)
                    {
                        var read = input.Read(inBuffer);
                        stream.NextIn = inPointer;
                        stream.AvailIn = (nuint)read;
                        action = read == 0 ? LzmaFinish : LzmaRun;
                    }
                    stream.NextOut = outPointer;
                    stream.AvailOut = (nuint)outBuffer.Length;
                    result = lzma_code(ref stream, action);
                    var produced = outBuffer.Length - (int)stream.AvailOut;
                    if (produced > 0)
                    {
                        sink(outBuffer.AsSpan(0, produced));
                    }
                    if (result == LzmaStreamEnd)
                    {
                        return;
                    }
                    if (result == LzmaMemlimitError)
                    {
                        throw new InvalidDataException($"xz data needs more than {DecoderMemoryLimit >> 20} MiB of decoder memory");
                    }
                    if (result != LzmaOk)
                    {
                        throw new InvalidDataException($"xz data is corrupt (liblzma error {result})");
                    }
                }
            }
        }
        finally
        {
            lzma_end(ref stream);
        }
    }

    private const uint Lz4LegacyMagic = 0x184C2102;
    private const int Lz4LegacyBlockSize = 8 << 20;

    // As the kernel's unlz4: a block size equal to the magic starts a concatenated stream; the input may end anywhere
    // between blocks.
    private static void Lz4Legacy(Stream input, Sink sink)
    {
        Span<byte> word = stackalloc byte[4];
        if (input.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4 || BitConverter.ToUInt32(word) != Lz4LegacyMagic)
        {
            throw new InvalidDataException("not lz4 legacy data");
        }
        var output = new byte[Lz4LegacyBlockSize];
        var block = new byte[LZ4_compressBound(Lz4LegacyBlockSize)];
        while (input.ReadAtLeast(word, 4, throwOnEndOfStream: false) == 4)
        {
            var size = BitConverter.ToUInt32(word);
            if (size == Lz4LegacyMagic)
            {
                continue;
            }
            if (size > (uint)block.Length || input.ReadAtLeast(block.AsSpan(0, (int)size), (int)size, throwOnEndOfStream: false) < size)
            {
                throw new InvalidDataException("lz4 data is corrupt or truncated");
            }
            var produced = LZ4_decompress_safe(block, output, (int)size, output.Length);
            if (produced < 0)
            {
                throw new InvalidDataException($"lz4 data is corrupt (liblz4 error {produced})");
            }
            sink(output.AsSpan(0, produced));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ZstdBuffer
    {
        public IntPtr Data;
        public nuint Size;
        public nuint Position;
    }

    private const int ZstdWindowLogMaxParameter = 100;

    private static void Zstd(Stream input, Sink sink)
    {
        var context = ZSTD_createDStream();
        if (context == IntPtr.Zero)
        {
            throw new InvalidDataException("libzstd cannot start a decoder");
        }
        try
        {
            Check(ZSTD_DCtx_setParameter(context, ZstdWindowLogMaxParameter, ZstdWindowLogMax));
            var inBuffer = new byte[BufferSize];
            var outBuffer = new byte[BufferSize];
            nuint pending = 0;
            var any = false;
            using var inPin = new Pinned(inBuffer);
            using var outPin = new Pinned(outBuffer);
            var inPointer = inPin.Address;
            var outPointer = outPin.Address;
            {
                int read;
                while ((read = input.Read(inBuffer)) > 0)
                {
                    any = true;
                    var source = new ZstdBuffer { Data = inPointer, Size = (nuint)read };
                    while (source.Position < source.Size)
                    {
                        var output = new ZstdBuffer { Data = outPointer, Size = (nuint)outBuffer.Length };
                        pending = Check(ZSTD_decompressStream(context, ref output, ref source));
                        if (output.Position > 0)
                        {
                            sink(outBuffer.AsSpan(0, (int)output.Position));
                        }
                    }
                }
                // Flush what the decoder still holds once all input is in.
                while (pending != 0 && any)
                {
                    var source = new ZstdBuffer { Data = inPointer, Size = 0 };
                    var output = new ZstdBuffer { Data = outPointer, Size = (nuint)outBuffer.Length };
                    pending = Check(ZSTD_decompressStream(context, ref output, ref source));
                    if (output.Position == 0)
                    {
                        break;
                    }
                    sink(outBuffer.AsSpan(0, (int)output.Position));
                }
            }
            if (!any || pending != 0)
            {
                throw new InvalidDataException("zstd data is truncated");
            }
        }
        finally
        {
            ZSTD_freeDStream(context);
        }
    }

    private sealed class Pinned(byte[] buffer) : IDisposable
    {
        private GCHandle _handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);

        public IntPtr Address => _handle.AddrOfPinnedObject();

        public void Dispose() => _handle.Free();
    }

    private static nuint Check(nuint code) => ZSTD_isError(code) != 0
        ? throw new InvalidDataException("zstd data is corrupt: " + Marshal.PtrToStringUTF8(ZSTD_getErrorName(code)))
        : code;

    [DllImport("liblzma.so.5")]
    private static extern int lzma_stream_decoder(ref LzmaStream stream, ulong memlimit, uint flags);

    [DllImport("liblzma.so.5")]
    private static extern int lzma_code(ref LzmaStream stream, int action);

    [DllImport("liblzma.so.5")]
    private static extern void lzma_end(ref LzmaStream stream);

    [DllImport("liblz4.so.1")]
    private static extern int LZ4_decompress_safe(byte[] source, byte[] destination, int compressedSize, int destinationCapacity);

    [DllImport("liblz4.so.1")]
    private static extern int LZ4_compressBound(int inputSize);

    [DllImport("libzstd.so.1")]
    private static extern IntPtr ZSTD_createDStream();

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_freeDStream(IntPtr context);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_DCtx_setParameter(IntPtr context, int parameter, int value);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_decompressStream(IntPtr context, ref ZstdBuffer output, ref ZstdBuffer input);

    [DllImport("libzstd.so.1")]
    private static extern uint ZSTD_isError(nuint code);

    [DllImport("libzstd.so.1")]
    private static extern IntPtr ZSTD_getErrorName(nuint code);
}
