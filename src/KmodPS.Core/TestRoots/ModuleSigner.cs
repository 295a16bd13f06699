using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KmodPS.Core.TestRoots;

/// <summary>
/// Appends a kernel module signature the way <c>sign-file</c> does: a detached PKCS#7 SignedData without
/// signed attributes or certificates (issuer and serial identify the key), the 12-byte module_signature
/// trailer and the magic string.
/// </summary>
internal static class ModuleSigner
{
    private static readonly byte[] Magic = "~Module signature appended~\n"u8.ToArray();

    public static byte[] Sign(byte[] module, X509Certificate2 certificate) => Sign(module, certificate, HashAlgorithmName.SHA256);

    public static byte[] Sign(byte[] module, X509Certificate2 certificate, HashAlgorithmName hash)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate has no RSA private key.", nameof(certificate));
        var signature = key.SignData(module, hash, RSASignaturePadding.Pkcs1);
        var pkcs7 = SignedData(certificate, signature, DigestOid(hash));
        var trailer = new byte[12];
        trailer[2] = 2; // PKEY_ID_PKCS7
        BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(8), (uint)pkcs7.Length);
        return module.Concat(pkcs7).Concat(trailer).Concat(Magic).ToArray();
    }

    /// <summary>A self-signed RSA signing certificate like dkms's own mok.pub.</summary>
    public static X509Certificate2 CreateSigningCertificate(string commonName, byte[] serialNumber)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), now, now.AddYears(100), serialNumber);
        return certificate.CopyWithPrivateKey(key);
    }

    private static string DigestOid(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? "2.16.840.1.101.3.4.2.1"
        : hash == HashAlgorithmName.SHA512 ? "2.16.840.1.101.3.4.2.3"
        : hash == HashAlgorithmName.SHA1 ? "1.3.14.3.2.26"
        : hash == HashAlgorithmName.MD5 ? "1.2.840.113549.2.5"
        : throw new ArgumentException($"no digest OID for {hash}", nameof(hash));

    private static byte[] SignedData(X509Certificate2 certificate, byte[] signature, string digestOid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                    Digest(writer, digestOid);
                }
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                }
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(1);
                    using (writer.PushSequence())
                    {
                        writer.WriteEncodedValue(certificate.IssuerName.RawData);
                        writer.WriteInteger(certificate.SerialNumberBytes.Span);
                    }
                    Digest(writer, digestOid);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                        writer.WriteNull();
                    }
                    writer.WriteOctetString(signature);
                }
            }
        }
        return writer.Encode();
    }

    private static void Digest(AsnWriter writer, string digestOid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(digestOid);
            writer.WriteNull();
        }
    }
}
