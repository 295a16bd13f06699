namespace KmodPS.Core.SecureBoot;

/// <summary>The values of <see cref="TrustAnchor.Store"/>.</summary>
internal static class TrustStores
{
    /// <summary>Machine Owner Keys enrolled in shim (<c>mokutil --list-enrolled</c>).</summary>
    public const string MokList = "MokListRT";

    /// <summary>The UEFI signature database.</summary>
    public const string Db = "db";

    /// <summary>Prefix of keys read from the kernel's keyrings in <c>/proc/keys</c>.</summary>
    public const string BuiltinPrefix = "builtin:";

    /// <summary>
    /// Keys seen in <c>/proc/keys</c>. That file does not say which keyring links a key, so the keyring part of the
    /// name is <c>proc-keys</c> rather than <c>.builtin_trusted_keys</c>, <c>.platform</c> or <c>.machine</c>.
    /// </summary>
    public const string ProcKeys = BuiltinPrefix + "proc-keys";

    /// <summary>A certificate built into a kernel image for its <c>.builtin_trusted_keys</c> keyring; it anchors that kernel's modules only.</summary>
    public const string BuiltinKeyring = ".builtin_trusted_keys";

    /// <summary>The key that signed a kernel's own in-tree modules, which that kernel's builtin keyring holds.</summary>
    public const string KernelSigning = "kernel-signing";

    /// <summary>
    /// A signing certificate the root keeps (dkms's mok.pub, shim-signed's MOK.der) that no trusted store holds: it tells
    /// "key not enrolled" from "signer unknown", and never makes a module trusted.
    /// </summary>
    public const string NotEnrolled = "not-enrolled";
}
