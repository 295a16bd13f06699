using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Verifies a module signature the way the kernel's <c>mod_verify_sig</c> does: the PKCS#7 SignerInfo names a key
/// (issuer and serial, or subject key id), the kernel looks that key up among the keys it trusts, and the signature
/// must verify with that key over the digest of the module bytes, with the digest algorithm the SignerInfo names.
/// </summary>
/// <remarks>
/// SignedCms decodes the signature; the digest of the module bytes is computed while the module is read
/// (<see cref="ModuleSignature.ContentDigest"/>), so a module is never held in memory whole, and the signature value
/// is checked against that digest with the anchor's public key, as the kernel's <c>public_key_verify_signature</c>
/// does for the signatures <c>sign-file</c> writes (no signed attributes).
/// </remarks>
internal static class SignatureVerifier
{
    // md4 and md5 went from the kernel's PKCS#7 parser in 6.3, sha1 in 6.11; sha1 is refused here for every kernel.
    private static readonly HashSet<string> AllowedDigests = new(StringComparer.Ordinal)
    {
        "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-384", "sha3-512",
    };

    /// <param name="trusted">The keys the kernel trusts (MOK, db, keyrings, kernel signing keys).</param>
    /// <param name="notEnrolled">Certificates the root keeps that no trusted store holds (<see cref="TrustStores.NotEnrolled"/>).</param>
    public static SignatureCheck Check(ModuleSignature? signature, IReadOnlyList<TrustAnchor> trusted, IReadOnlyList<TrustAnchor> notEnrolled)
    {
        if (signature is null)
        {
            return SignatureCheck.Unsigned;
        }
        if (signature.Cms is not { } blob)
        {
            return new SignatureCheck(SignatureVerdict.UnsupportedFormat, null,
                $"a {signature.IdType} signature: the kernel accepts PKCS#7 module signatures only");
        }
        if (!AllowedDigests.Contains(signature.HashAlgorithm ?? string.Empty))
        {
            return new SignatureCheck(SignatureVerdict.HashNotAllowed, null,
                $"signed with the digest {signature.HashAlgorithm}, which the kernel refuses for module signatures");
        }
        var signer = ModuleCms.Decode(blob).SignerInfos[0];
        if (signer.SignedAttributes.Count > 0)
        {
            return new SignatureCheck(SignatureVerdict.Unverifiable, null,
                "the signature carries signed attributes (sign-file never writes them); KmodPS does not verify that form");
        }
        if (signature.ContentDigest is not { } digest)
        {
            return new SignatureCheck(SignatureVerdict.Unverifiable, null, $"this system cannot compute {signature.HashAlgorithm}, so the signature is not verified");
        }
        var named = SignatureMatcher.All(signature, trusted).Select(m => m.Anchor).ToList();
        if (named.FirstOrDefault(a => Verifies(signer, signature, digest, a)) is { } verifier)
        {
            return new SignatureCheck(SignatureVerdict.Verified, verifier, $"verified by {verifier.Describe()}");
        }
        if (named.FirstOrDefault(a => a.Certificate is not null) is { } rejecting)
        {
            return new SignatureCheck(SignatureVerdict.Invalid, rejecting,
                $"the signature does not verify against {rejecting.Describe()}, the key it names: the module was changed after signing, or signed by another key with the same name");
        }
        if (named.Count > 0)
        {
            return new SignatureCheck(SignatureVerdict.Unverifiable, named[0],
                $"names {named[0].Describe()}, whose certificate is not on this root, so the signature is not verified");
        }
        if (SignatureMatcher.All(signature, notEnrolled).Select(m => m.Anchor).FirstOrDefault(a => Verifies(signer, signature, digest, a)) is { } local)
        {
            return new SignatureCheck(SignatureVerdict.KeyNotEnrolled, local,
                $"signed by '{local.Subject}' ({local.Source}), a key that is not enrolled");
        }
        return new SignatureCheck(SignatureVerdict.SignerUnknown, null,
            $"signed by '{signature.Signer ?? signature.KeyId}' ({signature.KeyId}), a key no certificate on this root matches");
    }

    private static bool Verifies(SignerInfo signer, ModuleSignature signature, byte[] digest, TrustAnchor anchor)
    {
        if (anchor.Certificate is not { } der || ModuleCms.Hash(signature.HashAlgorithm) is not { } hash)
        {
            return false;
        }
        try
        {
            using var certificate = new X509Certificate2(der);
            var value = signer.GetSignature();
            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                using (rsa)
                {
                    return rsa.VerifyHash(digest, value, hash, RSASignaturePadding.Pkcs1);
                }
            }
            if (certificate.GetECDsaPublicKey() is { } ecdsa)
            {
                using (ecdsa)
                {
                    return ecdsa.VerifyHash(digest, value, DSASignatureFormat.Rfc3279DerSequence);
                }
            }
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
