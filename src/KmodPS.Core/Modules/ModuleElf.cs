using System.Buffers.Binary;
using System.Text;

namespace KmodPS.Core.Modules;

/// <summary>
/// The sections of a module's ELF relocatable object that describe it: <c>.modinfo</c> (key=value fields) and
/// <c>__versions</c> (the CRC of every symbol it imports, which the kernel compares with its own exports at load when
/// it was built with CONFIG_MODVERSIONS).
/// </summary>
internal static class ModuleElf
{
    /// <summary>The .modinfo fields (none when the section is missing).</summary>
    /// <exception cref="InvalidDataException">Not an ELF file, or truncated.</exception>
    public static Dictionary<string, IReadOnlyList<string>> Modinfo(IByteSource file) =>
        Section(file, ".modinfo") is { } data ? Split(data) : new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// The imported symbols' CRCs from __versions (<c>struct modversion_info</c>: a CRC the width of a long, then the
    /// NUL-padded name, 64 bytes in all), as <c>modprobe --dump-modversions</c> prints them; empty without the section.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an ELF file, or truncated.</exception>
    public static IReadOnlyDictionary<string, uint> ModVersions(IByteSource file)
    {
        var versions = new Dictionary<string, uint>(StringComparer.Ordinal);
        if (Section(file, "__versions", out var layout) is not { } data)
        {
            return versions;
        }
        const int EntrySize = 64;
        var crcSize = layout.Is64 ? 8 : 4;
        for (var at = 0; at + EntrySize <= data.Length; at += EntrySize)
        {
            var entry = data.AsSpan(at, EntrySize);
            var name = entry[crcSize..];
            var end = name.IndexOf((byte)0);
            versions.TryAdd(Encoding.ASCII.GetString(end < 0 ? name : name[..end]), (uint)layout.Word(entry, 0));
        }
        return versions;
    }

    private static byte[]? Section(IByteSource file, string sectionName) => Section(file, sectionName, out _);

    // Reads through random access so that only the headers and the one section are touched.
    private static byte[]? Section(IByteSource file, string sectionName, out ElfLayout header)
    {
        Span<byte> ident = stackalloc byte[64];
        file.ReadExactly(0, ident);
        if (ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        var is64 = ident[4] == 2;
        var little = ident[5] == 1;
        header = new ElfLayout(is64, little);
        var sectionTableOffset = header.Word(ident, is64 ? 0x28 : 0x20);
        var sectionEntrySize = header.Half(ident, is64 ? 0x3A : 0x2E);
        var sectionCount = header.Half(ident, is64 ? 0x3C : 0x30);
        var namesIndex = header.Half(ident, is64 ? 0x3E : 0x32);
        if (sectionCount == 0 || namesIndex >= sectionCount || sectionEntrySize < (is64 ? 64 : 40))
        {
            throw new InvalidDataException("ELF section header table is missing or malformed");
        }
        var table = new byte[sectionCount * sectionEntrySize];
        file.ReadExactly((long)sectionTableOffset, table);
        var names = header.Section(table, namesIndex, sectionEntrySize);
        var nameTable = new byte[checked((int)names.Size)];
        file.ReadExactly((long)names.Offset, nameTable);
        for (var i = 0; i < sectionCount; i++)
        {
            var section = header.Section(table, i, sectionEntrySize);
            if (SectionNameIs(nameTable, section.NameOffset, sectionName))
            {
                var data = new byte[checked((int)section.Size)];
                file.ReadExactly((long)section.Offset, data);
                return data;
            }
        }
        return null;
    }

    public static Dictionary<string, IReadOnlyList<string>> Split(ReadOnlySpan<byte> data)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (data.Length > 0)
        {
            var end = data.IndexOf((byte)0);
            var entry = end < 0 ? data : data[..end];
            data = end < 0 ? ReadOnlySpan<byte>.Empty : data[(end + 1)..];
            var equals = entry.IndexOf((byte)'=');
            if (equals <= 0)
            {
                continue;
            }
            var key = Encoding.UTF8.GetString(entry[..equals]);
            if (!fields.TryGetValue(key, out var values))
            {
                fields[key] = values = new List<string>();
            }
            values.Add(Encoding.UTF8.GetString(entry[(equals + 1)..]));
        }
        return fields.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal);
    }

    private static bool SectionNameIs(byte[] nameTable, uint offset, string name)
    {
        if (offset + name.Length >= nameTable.Length)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            if (nameTable[offset + i] != name[i])
            {
                return false;
            }
        }
        return nameTable[offset + name.Length] == 0;
    }

    private readonly record struct SectionHeader(uint NameOffset, ulong Offset, ulong Size);

    private readonly record struct ElfLayout(bool Is64, bool Little)
    {
        public ulong Word(ReadOnlySpan<byte> data, int at) => Is64
            ? (Little ? BinaryPrimitives.ReadUInt64LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt64BigEndian(data[at..]))
            : (Little ? BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt32BigEndian(data[at..]));

        public int Half(ReadOnlySpan<byte> data, int at) =>
            Little ? BinaryPrimitives.ReadUInt16LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt16BigEndian(data[at..]);

        private uint U32(ReadOnlySpan<byte> data, int at) =>
            Little ? BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) : BinaryPrimitives.ReadUInt32BigEndian(data[at..]);

        public SectionHeader Section(byte[] table, int index, int entrySize)
        {
            var entry = table.AsSpan(index * entrySize, entrySize);
            return Is64
                ? new SectionHeader(U32(entry, 0), Word(entry, 0x18), Word(entry, 0x20))
                : new SectionHeader(U32(entry, 0), U32(entry, 0x10), U32(entry, 0x14));
        }
    }
}
