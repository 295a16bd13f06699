using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;

namespace KmodPS.Core.Modules;

/// <summary>
/// Decodes a module's PKCS#7 (CMS SignedData) signature with <see cref="SignedCms"/> and names what modinfo shows:
/// the first SignerInfo's issuer common name (signer), serial number (sig_key) and digest algorithm (sig_hashalgo).
/// </summary>
internal static class ModuleCms
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

    /// <summary>The signer as modinfo shows it; <see cref="ModuleSignature.Cms"/> keeps the blob for verification.</summary>
    /// <exception cref="InvalidDataException">The blob is not a CMS SignedData with a signer.</exception>
    public static ModuleSignature Parse(byte[] der)
    {
        var cms = Decode(der);
        var signer = cms.SignerInfos[0];
        var digest = signer.DigestAlgorithm.Value ?? string.Empty;
        var hashName = DigestNames.GetValueOrDefault(digest, digest);
        if (signer.SignerIdentifier.Value is X509IssuerSerial issuerSerial)
        {
            var issuer = new X500DistinguishedName(issuerSerial.IssuerName);
            var serial = Convert.FromHexString(issuerSerial.SerialNumber);
            return new ModuleSignature("PKCS#7", CommonName(issuer.RawData), Hex.Colon(TrimSignByte(serial)), hashName, issuer.RawData, serial) { Cms = der };
        }
        var keyId = signer.SignerIdentifier.Value as string ?? string.Empty;
        return new ModuleSignature("PKCS#7", null, Hex.Colon(Convert.FromHexString(keyId)), hashName, null, null) { Cms = der };
    }

    /// <exception cref="InvalidDataException">The blob is not a CMS SignedData with a signer.</exception>
    public static SignedCms Decode(byte[] der)
    {
        var cms = new SignedCms(new ContentInfo(Array.Empty<byte>()), detached: true);
        try
        {
            cms.Decode(der);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException("module signature is not valid PKCS#7: " + e.Message, e);
        }
        if (cms.SignerInfos.Count == 0)
        {
            throw new InvalidDataException("module signature is PKCS#7 without a signer");
        }
        return cms;
    }

    /// <summary>The hash the digest algorithm names, or null for one .NET cannot compute.</summary>
    public static HashAlgorithmName? Hash(string? name) => name switch
    {
        "md5" => HashAlgorithmName.MD5,
        "sha1" => HashAlgorithmName.SHA1,
        "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        "sha512" => HashAlgorithmName.SHA512,
        "sha3-256" when SHA3_256.IsSupported => HashAlgorithmName.SHA3_256,
        "sha3-384" when SHA3_384.IsSupported => HashAlgorithmName.SHA3_384,
        "sha3-512" when SHA3_512.IsSupported => HashAlgorithmName.SHA3_512,
        _ => null,
    };

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
