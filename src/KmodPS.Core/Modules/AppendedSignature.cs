using System.Buffers.Binary;

namespace KmodPS.Core.Modules;

/// <summary>
/// Reads the signature appended to a module: the file ends with <c>~Module signature appended~\n</c>,
/// preceded by a 12-byte <c>struct module_signature</c> and, before that, the signature blob.
/// </summary>
internal static class AppendedSignature
{
    private const int TrailerSize = 12;
    private static readonly byte[] Magic = "~Module signature appended~\n"u8.ToArray();

    /// <summary>The signature, or null for an unsigned module.</summary>
    /// <exception cref="InvalidDataException">The magic is present but the structure is inconsistent.</exception>
    public static ModuleSignature? Read(IByteSource file)
    {
        if (file.Length < Magic.Length + TrailerSize)
        {
            return null;
        }
        var tail = new byte[Magic.Length + TrailerSize];
        file.ReadExactly(file.Length - tail.Length, tail);
        if (!tail.AsSpan(TrailerSize).SequenceEqual(Magic))
        {
            return null;
        }
        var info = tail.AsSpan(0, TrailerSize);
        var idType = info[2];
        var signerLength = info[3];
        var keyIdLength = info[4];
        var signatureLength = BinaryPrimitives.ReadUInt32BigEndian(info[8..]);
        var blobEnd = file.Length - tail.Length;
        var blobStart = blobEnd - signatureLength - signerLength - keyIdLength;
        if (blobStart < 0)
        {
            throw new InvalidDataException("module signature length exceeds the file");
        }
        if (idType != 2)
        {
            // Legacy X.509 id: signer name and key id are stored in clear before the signature.
            var legacy = new byte[signerLength + keyIdLength];
            file.ReadExactly(blobStart, legacy);
            return new ModuleSignature(idType == 1 ? "X509" : "PGP", System.Text.Encoding.UTF8.GetString(legacy, 0, signerLength),
                Hex.Colon(legacy.AsSpan(signerLength)), null, null, null);
        }
        var pkcs7 = new byte[signatureLength];
        file.ReadExactly(blobEnd - signatureLength, pkcs7);
        return Pkcs7SignerInfo.Parse(pkcs7);
    }
}
