namespace KmodPS.Core.Modules;

/// <summary>
/// The appended signature of a module, as modinfo shows it: signer (issuer common name), sig_key
/// (issuer serial number, colon-separated hex) and sig_hashalgo.
/// </summary>
public sealed record ModuleSignature(string IdType, string? Signer, string? KeyId, string? HashAlgorithm, byte[]? IssuerName, byte[]? SerialNumber)
{
    /// <summary>The PKCS#7 blob (CMS SignedData over the detached module bytes); null for other id types.</summary>
    public byte[]? Cms { get; init; }

    /// <summary>
    /// The digest, with <see cref="HashAlgorithm"/>, of the module bytes the signature covers (everything before the
    /// blob); null when .NET cannot compute that hash.
    /// </summary>
    public byte[]? ContentDigest { get; init; }
}
