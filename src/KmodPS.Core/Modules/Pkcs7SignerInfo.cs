using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace KmodPS.Core.Modules;

/// <summary>
/// Extracts what modinfo shows from a module's PKCS#7 (CMS SignedData) signature: the first SignerInfo's
/// issuer common name (signer), serial number (sig_key) and digest algorithm (sig_hashalgo).
/// </summary>
internal static class Pkcs7SignerInfo
{
    private static readonly Dictionary<string, string> DigestNames = new()
    {
        ["1.2.840.113549.2.5"] = "md5",
        ["1.3.14.3.2.26"] = "sha1",
        ["2.16.840.1.101.3.4.2.4"] = "sha224",
        ["2.16.840.1.101.3.4.2.1"] = "sha256",
        ["2.16.840.1.101.3.4.2.2"] = "sha384",
        ["2.16.840.1.101.3.4.2.3"] = "sha512",
        ["2.16.840.1.101.3.4.2.8"] = "sha3-256",
        ["2.16.840.1.101.3.4.2.9"] = "sha3-384",
        ["2.16.840.1.101.3.4.2.10"] = "sha3-512",
    };

    /// <exception cref="InvalidDataException">The blob is not a CMS SignedData with a signer.</exception>
    public static ModuleSignature Parse(byte[] der)
    {
        try
        {
            var contentInfo = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            contentInfo.ReadObjectIdentifier();
            var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger();
            signedData.ReadSetOf();
            signedData.ReadSequence();
            while (signedData.HasData && signedData.PeekTag().TagClass == TagClass.ContextSpecific)
            {
                signedData.ReadEncodedValue();
            }
            var signerInfo = signedData.ReadSetOf().ReadSequence();
            signerInfo.ReadInteger();
            byte[]? issuer = null;
            byte[]? serial = null;
            string? signer = null;
            string keyId;
            if (signerInfo.PeekTag().TagClass == TagClass.ContextSpecific)
            {
                keyId = Hex.Colon(signerInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)));
            }
            else
            {
                var issuerAndSerial = signerInfo.ReadSequence();
                issuer = issuerAndSerial.ReadEncodedValue().ToArray();
                serial = issuerAndSerial.ReadIntegerBytes().ToArray();
                signer = CommonName(issuer);
                keyId = Hex.Colon(TrimSignByte(serial));
            }
            var digest = signerInfo.ReadSequence().ReadObjectIdentifier();
            return new ModuleSignature("PKCS#7", signer, keyId, DigestNames.GetValueOrDefault(digest, digest), issuer, serial);
        }
        catch (AsnContentException e)
        {
            throw new InvalidDataException("module signature is not valid PKCS#7: " + e.Message, e);
        }
    }

    /// <summary>The CN of an encoded X.501 Name, or its whole text when it has none.</summary>
    public static string CommonName(byte[] encodedName)
    {
        var name = new X500DistinguishedName(encodedName);
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3")
            {
                return rdn.GetSingleElementValue() ?? string.Empty;
            }
        }
        return name.Name;
    }

    // DER integers carry a leading 0x00 when the high bit is set; openssl's BN form (what modinfo prints) does not.
    private static ReadOnlySpan<byte> TrimSignByte(byte[] serial) =>
        serial.Length > 1 && serial[0] == 0 ? serial.AsSpan(1) : serial;
}
