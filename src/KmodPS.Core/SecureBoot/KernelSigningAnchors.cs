using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Anchors for the keys that signed a kernel's own in-tree modules: the kernel build embeds that key in its builtin
/// keyring, so a module signed with it loads under that kernel.
/// </summary>
internal static class KernelSigningAnchors
{
    public static IEnumerable<TrustAnchor> From(IEnumerable<ModuleSignature> signatures)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in signatures)
        {
            if (signature is null || ToAnchor(signature) is not { } anchor)
            {
                continue;
            }
            var identity = Convert.ToHexString(anchor.IssuerName) + "/" + Convert.ToHexString(anchor.SerialNumber.AsSpan().TrimStart((byte)0)) + "/" + anchor.SubjectKeyId;
            if (seen.Add(identity))
            {
                yield return anchor;
            }
        }
    }

    // The Subject is the signer name modinfo shows (the issuer CN): the same as the subject for the self-signed keys
    // kernel builds generate.
    private static TrustAnchor? ToAnchor(ModuleSignature signature)
    {
        if (signature.IssuerName is { Length: > 0 } issuer && signature.SerialNumber is { Length: > 0 } serial)
        {
            var name = signature.Signer ?? ModuleCms.CommonName(issuer);
            return new TrustAnchor(name, name, issuer, serial, null, TrustStores.KernelSigning);
        }
        if (signature.IssuerName is null && !string.IsNullOrEmpty(signature.KeyId))
        {
            return new TrustAnchor(signature.Signer ?? signature.KeyId, signature.Signer, Array.Empty<byte>(), Array.Empty<byte>(),
                signature.KeyId, TrustStores.KernelSigning);
        }
        return null;
    }
}
