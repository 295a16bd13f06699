using System.Buffers.Binary;
using System.Text;

namespace KmodPS.Core.TestRoots;

/// <summary>
/// Writes a minimal ELF64 little-endian relocatable object with a <c>.modinfo</c> section: enough for
/// modinfo, the kernel's own module reader and KmodPS to see a module's name, version and vermagic.
/// It contains no code and cannot be loaded.
/// </summary>
internal static class ElfModuleWriter
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;

    public static byte[] Write(IEnumerable<KeyValuePair<string, string>> modinfo)
    {
        var info = Encoding.UTF8.GetBytes(string.Concat(modinfo.Select(f => $"{f.Key}={f.Value}\0")));
        var names = Encoding.ASCII.GetBytes("\0.modinfo\0.shstrtab\0");
        var infoOffset = HeaderSize;
        var namesOffset = infoOffset + info.Length;
        var tableOffset = Align(namesOffset + names.Length, 8);
        var image = new byte[tableOffset + 3 * SectionHeaderSize];
        WriteHeader(image, tableOffset);
        info.CopyTo(image, infoOffset);
        names.CopyTo(image, namesOffset);
        WriteSection(image.AsSpan(tableOffset + SectionHeaderSize), nameOffset: 1, type: 1, flags: 2, offset: infoOffset, size: info.Length, alignment: 1);
        WriteSection(image.AsSpan(tableOffset + 2 * SectionHeaderSize), nameOffset: 10, type: 3, flags: 0, offset: namesOffset, size: names.Length, alignment: 1);
        return image;
    }

    private static void WriteHeader(byte[] image, int tableOffset)
    {
        var header = image.AsSpan(0, HeaderSize);
        header[0] = 0x7f;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = 2; // 64-bit
        header[5] = 1; // little endian
        header[6] = 1; // ELF version
        BinaryPrimitives.WriteUInt16LittleEndian(header[16..], 1); // ET_REL
        BinaryPrimitives.WriteUInt16LittleEndian(header[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], (ulong)tableOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(header[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[58..], SectionHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[60..], 3);
        BinaryPrimitives.WriteUInt16LittleEndian(header[62..], 2);
    }

    private static void WriteSection(Span<byte> entry, uint nameOffset, uint type, ulong flags, int offset, int size, ulong alignment)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, nameOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[48..], alignment);
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
