using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Reads the Secure Boot mode and the keys trusted for module signatures from a root: the SecureBoot and
/// MokSBStateRT variables, the certificates of MokListRT and db, and, for the running host only, the X.509 keys in
/// <c>/proc/keys</c>. Reads files only; mokutil is never run.
/// </summary>
internal sealed class SecureBootReader
{
    private const string ProcKeysPath = "/proc/keys";

    private readonly ISystemRoot _root;

    public SecureBootReader(ISystemRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
    }

    // Signing certificates a root may keep without any store trusting them: dkms 3.x's key and Debian's shim-signed MOK.
    private static readonly string[] LocalSigningCertificates = { "/var/lib/dkms/mok.pub", "/var/lib/shim-signed/mok/MOK.der" };

    public SecureBootState Read(DiagnosticLog log) => Read(log, Array.Empty<ModuleSignature>());

    /// <param name="log">Receives a warning for every unreadable or corrupt variable and for disabled shim validation.</param>
    /// <param name="kernelSigningKeys">Signatures of kernels' own in-tree modules; each becomes a <see cref="TrustStores.KernelSigning"/> anchor.</param>
    /// <param name="signingCertificate">Another signing certificate the root keeps (dkms's configured mok_certificate), when known.</param>
    /// <param name="kernelImages">Each kernel's image (tree path): its builtin keyring, read when a signature asks for it (<see cref="BuiltinKeyrings"/>).</param>
    public SecureBootState Read(DiagnosticLog log, IEnumerable<ModuleSignature> kernelSigningKeys, string? signingCertificate = null, IReadOnlyDictionary<string, string>? kernelImages = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(kernelSigningKeys);
        var efi = new EfiVariableStore(_root, log);
        var mode = ReadMode(efi, log);
        var shimValidationDisabled = mode == SecureBootMode.Enabled && IsShimValidationDisabled(efi);
        if (shimValidationDisabled)
        {
            log.Warn("Secure Boot is enabled in firmware, but shim validation is disabled (MokSBStateRT = 1, mokutil --disable-validation): " +
                "module signatures are not enforced, so Secure Boot is treated as Disabled for modules.");
            mode = SecureBootMode.Disabled;
        }
        var anchors = new List<TrustAnchor>();
        if (efi.IsEfiBoot)
        {
            anchors.AddRange(ReadMokList(efi, log));
            anchors.AddRange(ReadCertificates(efi.ReadEfivar("db", EfiGuids.ImageSecurityDatabase, out _),
                EfiVariableStore.EfivarPath("db", EfiGuids.ImageSecurityDatabase), TrustStores.Db, log));
        }
        if (_root.IsHostRoot)
        {
            anchors.AddRange(ReadProcKeys(log));
        }
        anchors.AddRange(KernelSigningAnchors.From(kernelSigningKeys));
        anchors.AddRange(ReadCertificateFiles(KernelCertificatePaths(), TrustStores.KernelSigning, log));
        var local = LocalSigningCertificates.Append(signingCertificate).OfType<string>().Distinct(StringComparer.Ordinal);
        var notEnrolled = ReadCertificateFiles(local, TrustStores.NotEnrolled, log)
            .Where(c => !SignatureMatcher.All(AsSignature(c), anchors).Any())
            .ToList();
        var builtin = kernelImages is null ? null : new BuiltinKeyrings(_root, kernelImages, log);
        return new SecureBootState(mode, anchors, shimValidationDisabled, notEnrolled, builtin);
    }

    private SecureBootMode ReadMode(EfiVariableStore efi, DiagnosticLog log)
    {
        if (!efi.IsEfiBoot)
        {
            return SecureBootMode.Unknown;
        }
        var path = _root.MapPath(EfiVariableStore.EfivarPath("SecureBoot", EfiGuids.GlobalVariable));
        var value = efi.ReadEfivar("SecureBoot", EfiGuids.GlobalVariable, out var exists);
        if (!exists)
        {
            if (efi.HasEfivars)
            {
                // Firmware without Secure Boot support has no SecureBoot variable; the kernel treats that as disabled.
                return SecureBootMode.Disabled;
            }
            log.Warn($"{_root.MapPath(EfiVariableStore.EfiDirectory)} exists but efivarfs is not mounted at " +
                $"{_root.MapPath(EfiVariableStore.EfivarsDirectory)}; the Secure Boot mode is Unknown.");
            return SecureBootMode.Unknown;
        }
        switch (value)
        {
            case null:
                return SecureBootMode.Unknown;
            case [1, ..]:
                return SecureBootMode.Enabled;
            case [0, ..]:
                return SecureBootMode.Disabled;
            case []:
                log.Warn($"{path} holds no value byte; the Secure Boot mode is Unknown.");
                return SecureBootMode.Unknown;
            default:
                log.Warn($"{path} holds the unexpected value {value[0]}; the Secure Boot mode is Unknown.");
                return SecureBootMode.Unknown;
        }
    }

    private static bool IsShimValidationDisabled(EfiVariableStore efi) =>
        (efi.ReadMokVariable("MokSBStateRT") ?? efi.ReadEfivar("MokSBStateRT", EfiGuids.ShimLock, out _)) is [1, ..];

    // The kernel prefers the MOK config table of shim 15.3+; older shims mirror the list to the MokListRT variable
    // (and, when it is too large for one variable, to MokListRT1, MokListRT2, ...).
    private IEnumerable<TrustAnchor> ReadMokList(EfiVariableStore efi, DiagnosticLog log)
    {
        if (efi.ReadMokVariable("MokListRT") is { } table)
        {
            return ReadCertificates(table, EfiVariableStore.MokVariablePath("MokListRT"), TrustStores.MokList, log);
        }
        var anchors = new List<TrustAnchor>();
        for (var index = 0; ; index++)
        {
            var name = index == 0 ? "MokListRT" : "MokListRT" + index;
            var value = efi.ReadEfivar(name, EfiGuids.ShimLock, out var exists);
            if (!exists)
            {
                return anchors;
            }
            anchors.AddRange(ReadCertificates(value, EfiVariableStore.EfivarPath(name, EfiGuids.ShimLock), TrustStores.MokList, log));
        }
    }

    private List<TrustAnchor> ReadCertificates(byte[]? value, string path, string store, DiagnosticLog log)
    {
        var anchors = new List<TrustAnchor>();
        if (value is null)
        {
            return anchors;
        }
        var source = _root.MapPath(path);
        foreach (var der in EfiSignatureList.ReadCertificates(value, source, log))
        {
            if (CertificateAnchor.FromDer(der, store, source, log) is { } anchor)
            {
                anchors.Add(anchor);
            }
        }
        return anchors;
    }

    // Where a root keeps the certificate a kernel build embeds in its builtin keyring: the kernel's own build tree
    // (certs/signing_key.x509, kept by kernel-devel and self-built kernels) and RHEL's kernel-keys documentation.
    private IEnumerable<string> KernelCertificatePaths() =>
        _root.ListDirectory("/lib/modules").SelectMany(kernel => new[]
        {
            $"/usr/src/kernels/{kernel}/certs/signing_key.x509",
            $"/usr/src/linux-headers-{kernel}/certs/signing_key.x509",
            $"/usr/share/doc/kernel-keys/{kernel}/kernel-signing-ca.cer",
        });

    private List<TrustAnchor> ReadCertificateFiles(IEnumerable<string> paths, string store, DiagnosticLog log)
    {
        var anchors = new List<TrustAnchor>();
        foreach (var path in paths.Where(_root.FileExists))
        {
            try
            {
                if (CertificateAnchor.FromDer(_root.ReadAllBytes(path), store, _root.MapPath(path), log) is { } anchor)
                {
                    anchors.Add(anchor with { Source = path });
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Cannot read {_root.MapPath(path)}: {e.Message}; that certificate is not considered.");
            }
        }
        return anchors;
    }

    private static ModuleSignature AsSignature(TrustAnchor anchor) =>
        new("PKCS#7", anchor.Issuer, anchor.SubjectKeyId, null, anchor.IssuerName, anchor.SerialNumber);

    private IReadOnlyList<TrustAnchor> ReadProcKeys(DiagnosticLog log)
    {
        if (!_root.FileExists(ProcKeysPath))
        {
            return Array.Empty<TrustAnchor>();
        }
        try
        {
            return ProcKeys.ParseAnchors(_root.ReadAllText(ProcKeysPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {ProcKeysPath}: {e.Message}; kernel keyring keys are not considered.");
            return Array.Empty<TrustAnchor>();
        }
    }
}
