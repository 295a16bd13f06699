namespace KmodPS.Core.SecureBoot;

/// <summary>What the kernel's <c>mod_verify_sig</c> would answer for a module, as far as the root's keys tell.</summary>
public enum SignatureVerdict
{
    /// <summary>The signature verifies, over the module bytes, against the certificate of a key the kernel trusts.</summary>
    Verified,

    /// <summary>No appended signature (the kernel: ENODATA).</summary>
    Unsigned,

    /// <summary>Not a PKCS#7 signature (the kernel: ENOPKG).</summary>
    UnsupportedFormat,

    /// <summary>The digest is one the kernel refuses for module signatures: md4, md5, sha1 (the kernel: ENOPKG).</summary>
    HashNotAllowed,

    /// <summary>It names a trusted key but does not verify against it (the kernel: EKEYREJECTED, fatal even without Secure Boot).</summary>
    Invalid,

    /// <summary>It verifies against a certificate the root keeps, but no trusted store holds that key (the kernel: ENOKEY).</summary>
    KeyNotEnrolled,

    /// <summary>No certificate on the root, trusted or not, is the key it names (the kernel: ENOKEY).</summary>
    SignerUnknown,

    /// <summary>It names a trusted key whose certificate is not on the root (a kernel keyring key), or has a form KmodPS does not verify.</summary>
    Unverifiable,
}

/// <summary>The verdict on a module signature, the anchor it concerns, and a sentence for the row.</summary>
public sealed record SignatureCheck(SignatureVerdict Verdict, TrustAnchor? Anchor, string Description)
{
    public static readonly SignatureCheck Unsigned = new(SignatureVerdict.Unsigned, null, "unsigned");

    /// <summary>True when verified, null when it could not be verified either way, false otherwise.</summary>
    public bool? Trusted => Verdict switch
    {
        SignatureVerdict.Verified => true,
        SignatureVerdict.Unverifiable => null,
        _ => false,
    };

    /// <summary>The kernel refuses the module whether or not Secure Boot is on: a signature check failure is always fatal.</summary>
    public bool RefusedEvenWithoutSecureBoot => Verdict == SignatureVerdict.Invalid;
}
