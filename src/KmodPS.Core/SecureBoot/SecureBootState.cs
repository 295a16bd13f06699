using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// The Secure Boot mode of a system and the keys its kernel trusts for module signatures.
/// Matching prefers issuer and serial, then key id, then (for kernel keyring keys only) the name: see <see cref="TrustMatchKind"/>.
/// </summary>
public sealed class SecureBootState
{
    public SecureBootState(SecureBootMode mode, IReadOnlyList<TrustAnchor> anchors, bool shimValidationDisabled = false, IReadOnlyList<TrustAnchor>? notEnrolled = null)
        : this(mode, anchors, shimValidationDisabled, notEnrolled, null)
    {
    }

    internal SecureBootState(SecureBootMode mode, IReadOnlyList<TrustAnchor> anchors, bool shimValidationDisabled, IReadOnlyList<TrustAnchor>? notEnrolled, BuiltinKeyrings? builtin)
    {
        _builtin = builtin;
        ArgumentNullException.ThrowIfNull(anchors);
        Mode = mode;
        Anchors = anchors;
        ShimValidationDisabled = shimValidationDisabled;
        NotEnrolled = notEnrolled ?? Array.Empty<TrustAnchor>();
    }

    private readonly BuiltinKeyrings? _builtin;

    /// <summary>Whether module signatures are enforced because of Secure Boot.</summary>
    public SecureBootMode Mode { get; }

    /// <summary>Every key found, in reading order: MokListRT, db, kernel keyrings, kernel signing keys.</summary>
    public IReadOnlyList<TrustAnchor> Anchors { get; }

    /// <summary>Signing certificates the root keeps that no trusted store holds (<see cref="TrustStores.NotEnrolled"/>).</summary>
    public IReadOnlyList<TrustAnchor> NotEnrolled { get; }

    /// <summary>True when firmware Secure Boot is on but shim validation was disabled (MokSBStateRT = 1), so <see cref="Mode"/> is Disabled.</summary>
    public bool ShimValidationDisabled { get; }

    /// <summary>
    /// True when a trusted store holds the key the signature names (by identity; no module bytes are checked): the
    /// question "is the DKMS signing key enrolled". Whether a module's signature verifies is <see cref="Check"/>.
    /// </summary>
    public bool IsKeyEnrolled(ModuleSignature? signature) => Match(signature) is not null;

    /// <summary>
    /// Verifies a module's signature against the trusted keys, as the kernel would. For a module of
    /// <paramref name="kernelVersion"/>, when no certificate among the other keys is the one the signature names, that
    /// kernel's builtin keyring (the certificates in its image) is read and tried too.
    /// </summary>
    public SignatureCheck Check(ModuleSignature? signature, string? kernelVersion = null)
    {
        var check = SignatureVerifier.Check(signature, Anchors, NotEnrolled);
        return kernelVersion is null ? check : InKernel(check, signature, kernelVersion);
    }

    /// <summary>
    /// <paramref name="check"/> (the signature checked against the root's anchors) completed for a module of
    /// <paramref name="kernelVersion"/>: when no certificate among them is the one it names, checked again with that
    /// kernel's builtin keyring.
    /// </summary>
    public SignatureCheck InKernel(SignatureCheck check, ModuleSignature? signature, string kernelVersion)
    {
        if (_builtin is null || check.Verdict is not (SignatureVerdict.SignerUnknown or SignatureVerdict.Unverifiable)
            || check.Anchor?.Certificate is not null || _builtin.For(kernelVersion) is not { Count: > 0 } keyring)
        {
            return check;
        }
        return SignatureVerifier.Check(signature, keyring.Concat(Anchors).ToList(), NotEnrolled);
    }

    /// <summary>The anchor the signature names, or null.</summary>
    public TrustAnchor? FindAnchor(ModuleSignature? signature) => Match(signature)?.Anchor;

    /// <summary>The anchor the signature names and the kind of match, strongest kind first; null when none.</summary>
    public TrustMatch? Match(ModuleSignature? signature) => SignatureMatcher.Match(signature, Anchors);
}
