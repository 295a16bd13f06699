namespace KmodPS.Core.SecureBoot;

/// <summary>
/// A key the kernel trusts for module signatures: an enrolled MOK or db certificate, a key of a kernel keyring, or
/// the signing key of a kernel's own in-tree modules.
/// </summary>
/// <param name="Subject">The certificate subject's common name; for a kernel keyring key, the kernel's name for it.</param>
/// <param name="Issuer">The issuer's common name, when known.</param>
/// <param name="IssuerName">The DER encoding of the issuer Name; empty when unknown (kernel keyring keys).</param>
/// <param name="SerialNumber">The serial number, big-endian as encoded in the certificate; empty when unknown.</param>
/// <param name="SubjectKeyId">The SubjectKeyIdentifier as colon-separated upper-case hex, when known.</param>
/// <param name="Store">Where the key came from: see <see cref="TrustStores"/>.</param>
public sealed record TrustAnchor(string Subject, string? Issuer, byte[] IssuerName, byte[] SerialNumber, string? SubjectKeyId, string Store)
{
    /// <summary>The DER certificate whose public key verifies signatures; null when only the key's identity is known (kernel keyrings).</summary>
    public byte[]? Certificate { get; init; }

    /// <summary>Where the certificate was read: a file under the root, or the variable it came from.</summary>
    public string? Source { get; init; }

    /// <summary>How a row names the anchor: store and subject.</summary>
    public string Describe() => $"the {Store} key '{Subject}'";
}
