using System.Buffers.Binary;
using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Reads the certificates a kernel image carries for its <c>.builtin_trusted_keys</c> keyring (the build's module
/// signing key and CONFIG_SYSTEM_TRUSTED_KEYS), as the kernel's scripts/extract-vmlinux and extract-sys-certs.pl get
/// them: the vmlinux inside the image is decompressed, streaming, and <see cref="BuiltinCertificateList"/> finds the
/// list in it (gzip, xz, zstd, or lz4's legacy format). An x86 bzImage names its payload in the setup header (boot protocol 2.08+: <c>payload_offset</c> and
/// <c>payload_length</c>, from the protected-mode code at <c>(setup_sects + 1) * 512</c>); other images are a
/// compressed vmlinux or Image as a whole, or an uncompressed one. The decompression stops once the list is found, or
/// at <see cref="MaxImageSize"/>.
/// </summary>
internal static class KernelImageCertificates
{
    /// <summary>The most decompressed bytes read: 256 MiB, four times a distribution's vmlinux (~60 MiB).</summary>
    public const long MaxImageSize = 256L << 20;

    private const int HeaderSize = 0x250;

    private static readonly byte[] ElfMagic = { 0x7f, (byte)'E', (byte)'L', (byte)'F' };

    /// <summary>The DER certificates of the image's builtin list (empty when it has none).</summary>
    /// <param name="realPath">The image's path on this machine.</param>
    /// <exception cref="InvalidDataException">Not a kernel image KmodPS can read (the message says why), or too large.</exception>
    /// <exception cref="IOException">Unreadable, or not a regular file.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static IReadOnlyList<byte[]> Read(string realPath)
    {
        using var image = RegularFile.OpenRead(realPath);
        var size = RandomAccess.GetLength(image);
        var header = new byte[(int)Math.Min(HeaderSize, size)];
        RandomAccess.Read(image, header, 0);
        var (offset, length) = Payload(header, size);
        var payloadHead = new byte[(int)Math.Min(8, length)];
        RandomAccess.Read(image, payloadHead, offset);
        var finder = new BuiltinCertificateList();
        long produced = 0;
        try
        {
            NativeDecompression.Sink sink = chunk =>
            {
                produced += chunk.Length;
                if (produced > MaxImageSize)
                {
                    throw new InvalidDataException($"decompresses to more than {MaxImageSize >> 20} MiB without a builtin certificate list; stopped there");
                }
                if (finder.Append(chunk))
                {
                    throw new ListFound();
                }
            };
            if (payloadHead.AsSpan().StartsWith(ElfMagic))
            {
                using var plain = new FileRangeStream(image, offset, length);
                Copy(plain, sink);
            }
            else
            {
                var (format, trailer) = FormatOf(payloadHead, isBzImage: offset > 0);
                using var compressed = new FileRangeStream(image, offset, length - trailer);
                NativeDecompression.Decompress(format, Path.GetFileName(realPath), compressed, sink);
            }
        }
        catch (ListFound)
        {
        }
        return finder.Finish() ? finder.Certificates! : Array.Empty<byte[]>();
    }

    private static (long Offset, long Length) Payload(ReadOnlySpan<byte> header, long size)
    {
        if (header.Length >= HeaderSize && header[0x202..0x206].SequenceEqual("HdrS"u8))
        {
            var version = BinaryPrimitives.ReadUInt16LittleEndian(header[0x206..]);
            if (version < 0x208)
            {
                throw new InvalidDataException($"a bzImage of boot protocol {version >> 8}.{version & 0xff}, older than 2.08, does not say where its payload is");
            }
            var setupSectors = header[0x1f1] == 0 ? 4 : header[0x1f1];
            var start = (setupSectors + 1L) * 512 + BinaryPrimitives.ReadUInt32LittleEndian(header[0x248..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header[0x24c..]);
            if (length < 8 || start + length > size)
            {
                throw new InvalidDataException($"the bzImage header's payload ({length} bytes at {start}) lies outside the {size}-byte file");
            }
            return (start, length);
        }
        return (0, size);
    }

    // The payload's compression, by the magic numbers scripts/extract-vmlinux looks for. Except gzip, whose own trailer
    // holds the size, the x86 boot build appends the decompressed size (4 bytes) to the compressed payload.
    private static (NativeDecompression.Format Format, int Trailer) FormatOf(ReadOnlySpan<byte> head, bool isBzImage)
    {
        var trailer = isBzImage ? 4 : 0;
        if (head.StartsWith(new byte[] { 0x1f, 0x8b, 0x08 }))
        {
            return (NativeDecompression.Format.Gzip, 0);
        }
        if (head.StartsWith(new byte[] { 0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 }))
        {
            return (NativeDecompression.Format.Xz, trailer);
        }
        if (head.StartsWith(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }))
        {
            return (NativeDecompression.Format.Zstd, trailer);
        }
        if (head.StartsWith(new byte[] { 0x02, 0x21, 0x4c, 0x18 }))
        {
            return (NativeDecompression.Format.Lz4Legacy, trailer);
        }
        var name = head switch
        {
            [(byte)'B', (byte)'Z', (byte)'h', ..] => "bzip2",
            [0x5d, 0, 0, ..] => "lzma",
            [0x89, 0x4c, 0x5a, ..] => "lzo",
            [(byte)'M', (byte)'Z', ..] => "an EFI executable (zboot or EFI stub)",
            _ => $"an unknown format (it begins {Convert.ToHexString(head)})",
        };
        throw new InvalidDataException($"the kernel is compressed with {name}; KmodPS decompresses gzip, xz, zstd and lz4 images only");
    }

    private static void Copy(Stream input, NativeDecompression.Sink sink)
    {
        var buffer = new byte[1 << 16];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            sink(buffer.AsSpan(0, read));
        }
    }

    // Thrown by the sink to stop the decompression once the list is found.
    private sealed class ListFound : Exception;
}
