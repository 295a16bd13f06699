using System.Buffers.Binary;
using System.Text;

namespace KmodPS.Core.Boot;

/// <summary>
/// Reads named sections of a PE image (a unified kernel image's <c>.osrel</c> and <c>.uname</c>) without loading the
/// whole file: DOS header, <c>PE\0\0</c>, COFF header, section table.
/// </summary>
internal static class PeSections
{
    private const int MaxSectionBytes = 64 * 1024;
    private const int MaxSections = 256;

    /// <summary>The raw data of each wanted section present; null when the stream is not a PE image.</summary>
    public static IReadOnlyDictionary<string, byte[]>? Read(Stream stream, params string[] names)
    {
        var dos = ReadAt(stream, 0, 64);
        if (dos is null || dos[0] != 'M' || dos[1] != 'Z')
        {
            return null;
        }
        var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(dos.AsSpan(0x3c));
        var coff = ReadAt(stream, peOffset, 24);
        if (coff is null || coff[0] != 'P' || coff[1] != 'E' || coff[2] != 0 || coff[3] != 0)
        {
            return null;
        }
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(coff.AsSpan(6));
        var optionalHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(coff.AsSpan(20));
        if (sectionCount > MaxSections)
        {
            return null;
        }
        var table = ReadAt(stream, peOffset + 24 + optionalHeaderSize, sectionCount * 40);
        if (table is null)
        {
            return null;
        }
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < sectionCount; i++)
        {
            var header = table.AsSpan(i * 40, 40);
            var name = Encoding.ASCII.GetString(header[..8]).TrimEnd('\0');
            if (!names.Contains(name) || found.ContainsKey(name))
            {
                continue;
            }
            var virtualSize = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            var rawSize = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            var rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            var size = (int)Math.Min(Math.Min(virtualSize == 0 ? rawSize : virtualSize, rawSize), MaxSectionBytes);
            if (ReadAt(stream, rawOffset, size) is { } data)
            {
                found[name] = data;
            }
        }
        return found;
    }

    private static byte[]? ReadAt(Stream stream, long offset, int count)
    {
        if (offset < 0 || offset + count > stream.Length)
        {
            return null;
        }
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
