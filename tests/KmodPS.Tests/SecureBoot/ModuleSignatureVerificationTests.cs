using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;
using KmodPS.Core.TestRoots;
using static KmodPS.Tests.SecureBoot.SecureBootFixtures;

namespace KmodPS.Tests.SecureBoot;

/// <summary>Module signatures verified over the module bytes, as the kernel's mod_verify_sig does.</summary>
public sealed class ModuleSignatureVerificationTests
{
    private readonly SecureBootState _enrolled = new SecureBootReader(Root("enabled-mok")).Read(new DiagnosticLog());
    private readonly SecureBootState _notEnrolled = new SecureBootReader(Root("enabled-nomok")).Read(new DiagnosticLog());

    [Fact]
    public void ASignatureByAnEnrolledKeyVerifies()
    {
        var check = _enrolled.Check(Signature("signed-dkms-mok.ko"));
        Assert.Equal(SignatureVerdict.Verified, check.Verdict);
        Assert.True(check.Trusted);
        Assert.Equal(TrustStores.MokList, check.Anchor!.Store);
        Assert.Equal("verified by the MokListRT key 'DKMS module signing key'", check.Description);
        Assert.Equal(SignatureVerdict.Verified, _notEnrolled.Check(Signature("signed-lab-ca.ko")).Verdict);
    }

    [Fact]
    public void AFlippedByteInTheCodeOrTheSignatureIsInvalid()
    {
        var module = File.ReadAllBytes(SamplePath("signed-dkms-mok.ko"));
        var code = (byte[])module.Clone();
        code[20] ^= 0x01; // the samples are 54-byte "modules" before their signature
        var check = _enrolled.Check(Read(code));
        Assert.Equal(SignatureVerdict.Invalid, check.Verdict);
        Assert.False(check.Trusted);
        Assert.True(check.RefusedEvenWithoutSecureBoot);

        var signature = (byte[])module.Clone();
        signature[^(28 + 12 + 20)] ^= 0x01; // inside the RSA signature value, the blob's last field
        Assert.Equal(SignatureVerdict.Invalid, _enrolled.Check(Read(signature)).Verdict);
    }

    [Fact]
    public void AnUnsignedModuleIsNotOneSignedByAnUnknownKey()
    {
        var unsigned = _enrolled.Check(Signature("unsigned.ko"));
        var unknown = _notEnrolled.Check(Signature("signed-dkms-mok.ko"));
        Assert.Equal(SignatureVerdict.Unsigned, unsigned.Verdict);
        Assert.Equal(SignatureVerdict.SignerUnknown, unknown.Verdict);
        Assert.NotEqual(unsigned.Description, unknown.Description);
        Assert.False(unsigned.Trusted);
        Assert.False(unknown.Trusted);
    }

    [Fact]
    public void AKeyTheRootKeepsButNobodyEnrolledIsNamed()
    {
        using var temp = new TempRoot();
        temp.WriteEfivar("SecureBoot", EfiGlobal, new byte[] { 1 });
        temp.Write("/var/lib/dkms/mok.pub", Certificate("dkms-mok"));
        var state = new SecureBootReader(temp.Root).Read(new DiagnosticLog());
        var check = state.Check(Signature("signed-dkms-mok.ko"));
        Assert.Equal(SignatureVerdict.KeyNotEnrolled, check.Verdict);
        Assert.False(check.Trusted);
        Assert.Contains("/var/lib/dkms/mok.pub", check.Description);

        temp.WriteEfivar("MokListRT", ShimLock, X509List(Certificate("dkms-mok")));
        var enrolled = new SecureBootReader(temp.Root).Read(new DiagnosticLog());
        Assert.Empty(enrolled.NotEnrolled);
        Assert.Equal(SignatureVerdict.Verified, enrolled.Check(Signature("signed-dkms-mok.ko")).Verdict);
    }

    [Fact]
    public void AnotherKeyWithTheSameSubjectIsNotTrusted()
    {
        Assert.Equal(SignatureVerdict.SignerUnknown, _enrolled.Check(Signature("signed-impostor.ko")).Verdict);

        // Same subject and the same serial as the enrolled key: the kernel finds the enrolled key and rejects the signature.
        using var enrolledCertificate = X509CertificateLoader.LoadCertificate(Certificate("dkms-mok"));
        using var twin = ModuleSigner.CreateSigningCertificate("DKMS module signing key", enrolledCertificate.SerialNumberBytes.ToArray());
        var module = ModuleSigner.Sign(File.ReadAllBytes(SamplePath("unsigned.ko")), twin);
        var check = _enrolled.Check(Read(module));
        Assert.Equal(SignatureVerdict.Invalid, check.Verdict);
        Assert.Equal(TrustStores.MokList, check.Anchor!.Store);
    }

    [Fact]
    public void Sha1AndMd5SignaturesAreRefusedEvenByAnEnrolledKey()
    {
        using var key = ModuleSigner.CreateSigningCertificate("Old key", new byte[] { 0x42 });
        var state = new SecureBootState(SecureBootMode.Enabled, new[] { Anchor(key) });
        foreach (var hash in new[] { HashAlgorithmName.SHA1, HashAlgorithmName.MD5 })
        {
            var check = state.Check(Read(ModuleSigner.Sign(File.ReadAllBytes(SamplePath("unsigned.ko")), key, hash)));
            Assert.Equal(SignatureVerdict.HashNotAllowed, check.Verdict);
            Assert.False(check.Trusted);
        }
        var sha512 = state.Check(Read(ModuleSigner.Sign(File.ReadAllBytes(SamplePath("unsigned.ko")), key, HashAlgorithmName.SHA512)));
        Assert.Equal(SignatureVerdict.Verified, sha512.Verdict);
    }

    [Fact]
    public void AKeyIdSignatureVerifiesAgainstTheSubjectKeyIdentifier()
    {
        var module = File.ReadAllBytes(SamplePath("unsigned.ko"));
        var blob = File.ReadAllBytes(SamplePath("dkms-mok-keyid.p7s"));
        var trailer = new byte[12];
        trailer[2] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(8), (uint)blob.Length);
        var signed = module.Concat(blob).Concat(trailer).Concat("~Module signature appended~\n"u8.ToArray()).ToArray();
        var check = _enrolled.Check(Read(signed));
        Assert.Equal(SignatureVerdict.Verified, check.Verdict);
        Assert.Null(Read(signed)!.IssuerName);
    }

    [Fact]
    public void AKernelKeyringKeyWithoutACertificateLeavesTrustUnknown()
    {
        var signature = Signature("signed-lab-ca.ko");
        var state = new SecureBootReader(Root("no-efivars")).Read(new DiagnosticLog(), new[] { signature! });
        var check = state.Check(signature);
        Assert.Equal(SignatureVerdict.Unverifiable, check.Verdict);
        Assert.Null(check.Trusted);
        Assert.Contains("whose certificate is not on this root", check.Description);
    }

    [Fact]
    public void TheKernelsSigningCertificateOnTheRootVerifiesItsModules()
    {
        using var temp = new TempRoot();
        Directory.CreateDirectory(temp.Path + "/lib/modules/6.1.0-9-amd64");
        temp.Write("/usr/src/linux-headers-6.1.0-9-amd64/certs/signing_key.x509", Certificate("lab-ca"));
        var signature = Signature("signed-lab-ca.ko");
        var check = new SecureBootReader(temp.Root).Read(new DiagnosticLog(), new[] { signature! }).Check(signature);
        Assert.Equal(SignatureVerdict.Verified, check.Verdict);
        Assert.Equal(TrustStores.KernelSigning, check.Anchor!.Store);
        Assert.EndsWith("/usr/src/linux-headers-6.1.0-9-amd64/certs/signing_key.x509", check.Anchor.Source);
    }

    private static TrustAnchor Anchor(X509Certificate2 certificate) =>
        CertificateAnchor.FromDer(certificate.Export(X509ContentType.Cert), TrustStores.MokList, "test", new DiagnosticLog())!;

    private static ModuleSignature? Read(byte[] module) => AppendedSignature.Read(new MemoryByteSource(module));
}
