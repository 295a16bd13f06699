namespace KmodPS.Core.SecureBoot;

/// <summary>The values of <see cref="TrustMatch.MatchKind"/>, strongest first.</summary>
internal static class TrustMatchKind
{
    /// <summary>The signature's PKCS#7 IssuerAndSerialNumber equals the certificate's issuer Name (DER) and serial.</summary>
    public const string IssuerAndSerial = "IssuerAndSerial";

    /// <summary>The signature names its key by SubjectKeyIdentifier (or legacy key id) and it equals the anchor's.</summary>
    public const string KeyId = "KeyId";

    /// <summary>
    /// Name fallback for kernel keyring keys, which <c>/proc/keys</c> shows only by subject name and key id: the
    /// signature's issuer common name equals the key's subject name. Sound for self-signed signing keys (issuer ==
    /// subject), but weaker than <see cref="IssuerAndSerial"/>: two certificates can carry the same name.
    /// </summary>
    public const string SubjectName = "SubjectName";
}
