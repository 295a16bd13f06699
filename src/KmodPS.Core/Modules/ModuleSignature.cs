namespace KmodPS.Core.Modules;

/// <summary>
/// The appended signature of a module, as modinfo shows it: signer (issuer common name), sig_key
/// (issuer serial number, colon-separated hex) and sig_hashalgo.
/// </summary>
public sealed record ModuleSignature(string IdType, string? Signer, string? KeyId, string? HashAlgorithm, byte[]? IssuerName, byte[]? SerialNumber);
