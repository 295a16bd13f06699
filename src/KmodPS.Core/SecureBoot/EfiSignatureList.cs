using System.Buffers.Binary;
using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Parses a sequence of EFI_SIGNATURE_LIST structures (db, MokListRT): SignatureType GUID, SignatureListSize,
/// SignatureHeaderSize and SignatureSize (u32 little-endian), a header, then entries of SignatureSize bytes that
/// each start with a 16-byte SignatureOwner GUID.
/// </summary>
internal static class EfiSignatureList
{
    private const int ListHeaderSize = 28;
    private const int OwnerSize = 16;

    /// <summary>
    /// The DER certificates of the EFI_CERT_X509_GUID lists; other types (hashes) are skipped. A list whose sizes do
    /// not add up ends the parse with a warning naming <paramref name="source"/>; what parsed before it is kept.
    /// </summary>
    public static IReadOnlyList<byte[]> ReadCertificates(ReadOnlySpan<byte> data, string source, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var certificates = new List<byte[]>();
        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            if (rest.Length < ListHeaderSize)
            {
                log.Warn($"{source}: {rest.Length} trailing bytes at offset {offset} are too short for an EFI_SIGNATURE_LIST; ignored.");
                break;
            }
            var type = new Guid(rest[..16]);
            var listSize = BinaryPrimitives.ReadUInt32LittleEndian(rest[16..]);
            var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(rest[20..]);
            var entrySize = BinaryPrimitives.ReadUInt32LittleEndian(rest[24..]);
            if (listSize > (uint)rest.Length || listSize < ListHeaderSize || headerSize > listSize - ListHeaderSize
                || entrySize <= OwnerSize || (listSize - ListHeaderSize - headerSize) % entrySize != 0)
            {
                log.Warn($"{source}: corrupt EFI_SIGNATURE_LIST at offset {offset} (list size {listSize}, header size {headerSize}, " +
                    $"signature size {entrySize}, {rest.Length} bytes left); the lists after it are ignored.");
                break;
            }
            if (type == EfiGuids.CertX509)
            {
                var entries = rest[(ListHeaderSize + (int)headerSize)..(int)listSize];
                for (var entry = 0; entry < entries.Length; entry += (int)entrySize)
                {
                    certificates.Add(entries.Slice(entry + OwnerSize, (int)entrySize - OwnerSize).ToArray());
                }
            }
            offset += (int)listSize;
        }
        return certificates;
    }
}
