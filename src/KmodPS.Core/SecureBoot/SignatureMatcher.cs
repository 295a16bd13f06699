using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>Decides whether a module signature names a trust anchor's key; see <see cref="TrustMatchKind"/>.</summary>
internal static class SignatureMatcher
{
    public static TrustMatch? Match(ModuleSignature? signature, IReadOnlyList<TrustAnchor> anchors) => All(signature, anchors).FirstOrDefault();

    /// <summary>Every anchor the signature names, strongest kind first, in anchor order within a kind.</summary>
    public static IEnumerable<TrustMatch> All(ModuleSignature? signature, IReadOnlyList<TrustAnchor> anchors)
    {
        if (signature is null)
        {
            return Enumerable.Empty<TrustMatch>();
        }
        return Find(anchors, signature, TrustMatchKind.IssuerAndSerial, ByIssuerAndSerial)
            .Concat(Find(anchors, signature, TrustMatchKind.KeyId, ByKeyId))
            .Concat(Find(anchors, signature, TrustMatchKind.SubjectName, BySubjectName));
    }

    /// <summary>Serial numbers compare as integers: DER adds a leading 0x00 when the high bit is set, other sources may not.</summary>
    public static bool SameSerial(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        TrimLeadingZeros(left).SequenceEqual(TrimLeadingZeros(right));

    private static IEnumerable<TrustMatch> Find(IReadOnlyList<TrustAnchor> anchors, ModuleSignature signature, string kind, Func<ModuleSignature, TrustAnchor, bool> test) =>
        anchors.Where(anchor => test(signature, anchor)).Select(anchor => new TrustMatch(anchor, kind));

    private static bool ByIssuerAndSerial(ModuleSignature signature, TrustAnchor anchor) =>
        signature.IssuerName is { } issuer && signature.SerialNumber is { } serial
        && anchor.IssuerName.Length > 0 && anchor.SerialNumber.Length > 0
        && SameName(issuer, anchor.IssuerName)
        && SameSerial(serial, anchor.SerialNumber);

    // SignedCms gives the signer's issuer as text, so names compare by their RFC 2253 form, as SignedCms matches a
    // signer to a certificate.
    private static bool SameName(byte[] left, byte[] right) =>
        left.AsSpan().SequenceEqual(right) || new X500DistinguishedName(left).Name == new X500DistinguishedName(right).Name;

    // Only for signatures that carry no issuer: SKID-form PKCS#7 and the legacy X.509 id type.
    private static bool ByKeyId(ModuleSignature signature, TrustAnchor anchor) =>
        signature.IssuerName is null
        && !string.IsNullOrEmpty(signature.KeyId) && anchor.SubjectKeyId is { } keyId
        && string.Equals(signature.KeyId, keyId, StringComparison.OrdinalIgnoreCase);

    // Only for kernel keyring keys, whose issuer /proc/keys does not show. The kernel names a key by its CN, or by
    // "O: CN" when the CN does not start with the organization; a serial, when the key has one, must agree too.
    private static bool BySubjectName(ModuleSignature signature, TrustAnchor anchor) =>
        anchor.Store.StartsWith(TrustStores.BuiltinPrefix, StringComparison.Ordinal)
        && anchor.IssuerName.Length == 0
        && !string.IsNullOrEmpty(signature.Signer)
        && (anchor.Subject == signature.Signer || anchor.Subject.EndsWith(": " + signature.Signer, StringComparison.Ordinal))
        && (anchor.SerialNumber.Length == 0 || (signature.SerialNumber is { } serial && SameSerial(serial, anchor.SerialNumber)));

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }
        return value[start..];
    }
}
