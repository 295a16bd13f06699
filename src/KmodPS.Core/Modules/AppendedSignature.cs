using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmodPS.Core.Modules;

/// <summary>
/// Reads the signature appended to a module: the file ends with <c>~Module signature appended~\n</c>,
/// preceded by a 12-byte <c>struct module_signature</c> and, before that, the signature blob. As the kernel's
/// <c>mod_verify_sig</c>, the signature covers every byte before the blob.
/// </summary>
internal static class AppendedSignature
{
    private const int TrailerSize = 12;
    private const int PkeyIdPkcs7 = 2;
    private static readonly byte[] Magic = "~Module signature appended~\n"u8.ToArray();

    /// <summary>The signature with the digest of the bytes it covers, or null for an unsigned module.</summary>
    /// <exception cref="InvalidDataException">The magic is present but the structure is inconsistent (the kernel refuses it: EBADMSG).</exception>
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
        if (idType != PkeyIdPkcs7)
        {
            // Legacy X.509 id: signer name and key id are stored in clear before the signature.
            var legacy = new byte[signerLength + keyIdLength];
            file.ReadExactly(blobStart, legacy);
            return new ModuleSignature(idType == 1 ? "X509" : "PGP", System.Text.Encoding.UTF8.GetString(legacy, 0, signerLength),
                Hex.Colon(legacy.AsSpan(signerLength)), null, null, null);
        }
        if (info[0] != 0 || info[1] != 0 || signerLength != 0 || keyIdLength != 0 || info[5] != 0 || info[6] != 0 || info[7] != 0)
        {
            throw new InvalidDataException("module_signature trailer of a PKCS#7 signature has non-zero algorithm, hash, signer or key id fields");
        }
        var pkcs7 = new byte[signatureLength];
        file.ReadExactly(blobStart, pkcs7);
        var signature = ModuleCms.Parse(pkcs7);
        return ModuleCms.Hash(signature.HashAlgorithm) is { } hash ? signature with { ContentDigest = Digest(file, blobStart, hash) } : signature;
    }

    private static byte[] Digest(IByteSource file, long length, HashAlgorithmName algorithm)
    {
        using var hash = IncrementalHash.CreateHash(algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            for (long offset = 0; offset < length;)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset));
                file.ReadExactly(offset, chunk);
                hash.AppendData(chunk);
                offset += chunk.Length;
            }
            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
