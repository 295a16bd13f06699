using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;
using static KmodPS.Tests.SecureBoot.SecureBootFixtures;

namespace KmodPS.Tests.SecureBoot;

public sealed class ModuleTrustTests
{
    private readonly SecureBootState _enrolled = new SecureBootReader(Root("enabled-mok")).Read(new DiagnosticLog());
    private readonly SecureBootState _notEnrolled = new SecureBootReader(Root("enabled-nomok")).Read(new DiagnosticLog());

    [Fact]
    public void TheSamplesCarrySignFileSignatures()
    {
        var signature = Signature("signed-dkms-mok.ko")!;
        Assert.Equal(("PKCS#7", "DKMS module signing key", "sha256"), (signature.IdType, signature.Signer, signature.HashAlgorithm));
        Assert.Equal("8A:11:C0:FF:EE:00:00:00:00:00:00:00:00:00:00:00:00:00:01", signature.KeyId);
        Assert.Equal(0, signature.SerialNumber![0]); // DER sign byte; matching must not depend on it
        Assert.Null(Signature("unsigned.ko"));
    }

    [Fact]
    public void ADkmsModuleIsTrustedWhenItsKeyIsEnrolled()
    {
        var signature = Signature("signed-dkms-mok.ko");
        Assert.True(_enrolled.IsKeyEnrolled(signature));
        var match = _enrolled.Match(signature)!;
        Assert.Equal((TrustStores.MokList, TrustMatchKind.IssuerAndSerial), (match.Anchor.Store, match.MatchKind));
        Assert.Same(match.Anchor, _enrolled.FindAnchor(signature));
    }

    [Fact]
    public void ADkmsModuleIsUntrustedWithoutTheMok()
    {
        var signature = Signature("signed-dkms-mok.ko");
        Assert.False(_notEnrolled.IsKeyEnrolled(signature));
        Assert.Null(_notEnrolled.FindAnchor(signature));
    }

    [Fact]
    public void ADistroSignedModuleIsTrustedThroughDb()
    {
        var signature = Signature("signed-lab-ca.ko");
        Assert.Equal("Lab Distro Secure Boot CA", signature!.Signer);
        Assert.Equal(TrustStores.Db, _notEnrolled.FindAnchor(signature)!.Store);
        Assert.Equal(TrustStores.Db, _enrolled.FindAnchor(signature)!.Store);
    }

    [Fact]
    public void AKeyWithTheSameNameButAnotherSerialIsNotTrusted()
    {
        var impostor = Signature("signed-impostor.ko");
        Assert.Equal("DKMS module signing key", impostor!.Signer);
        Assert.False(_enrolled.IsKeyEnrolled(impostor));
    }

    [Fact]
    public void UnsignedModulesAreNeverTrusted()
    {
        Assert.False(_enrolled.IsKeyEnrolled(null));
        Assert.False(_enrolled.IsKeyEnrolled(Signature("unsigned.ko")));
        Assert.Null(_enrolled.Match(null));
    }

    [Fact]
    public void SerialNumbersCompareWithoutTheirSignByte()
    {
        var signature = Signature("signed-dkms-mok.ko")!;
        var trimmed = signature with { SerialNumber = signature.SerialNumber!.SkipWhile(b => b == 0).ToArray() };
        var anchor = _enrolled.Anchors[0];
        var padded = new SecureBootState(SecureBootMode.Enabled, new[] { anchor with { SerialNumber = new byte[] { 0, 0 }.Concat(anchor.SerialNumber).ToArray() } });
        Assert.True(_enrolled.IsKeyEnrolled(trimmed));
        Assert.True(padded.IsKeyEnrolled(signature));
        Assert.True(padded.IsKeyEnrolled(trimmed));
    }

    [Fact]
    public void AKeyIdSignatureMatchesTheSubjectKeyIdentifier()
    {
        var signature = ModuleCms.Parse(File.ReadAllBytes(SamplePath("dkms-mok-keyid.p7s")));
        Assert.Null(signature.IssuerName);
        Assert.Null(signature.Signer);
        var match = _enrolled.Match(signature)!;
        Assert.Equal((TrustStores.MokList, TrustMatchKind.KeyId), (match.Anchor.Store, match.MatchKind));
        Assert.False(_notEnrolled.IsKeyEnrolled(signature));
    }

    [Fact]
    public void ALegacyX509SignatureMatchesByKeyId()
    {
        var legacy = new ModuleSignature("X509", "DKMS module signing key", _enrolled.Anchors[0].SubjectKeyId!.ToLowerInvariant(), null, null, null);
        Assert.Equal(TrustMatchKind.KeyId, _enrolled.Match(legacy)!.MatchKind);
    }

    [Fact]
    public void InTreeModuleSignersAreTrustedByTheirKernel()
    {
        // No efivars at all: only the kernel's own signing key is known.
        var inTree = Signature("signed-lab-ca.ko")!;
        var keyId = ModuleCms.Parse(File.ReadAllBytes(SamplePath("dkms-mok-keyid.p7s")));
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("no-efivars")).Read(log, new[] { inTree, inTree, keyId });
        Assert.Equal(SecureBootMode.Unknown, state.Mode);
        Assert.Equal(2, state.Anchors.Count);
        Assert.All(state.Anchors, a => Assert.Equal(TrustStores.KernelSigning, a.Store));
        Assert.Equal("Lab Distro Secure Boot CA", state.Anchors[0].Subject);
        Assert.Equal(TrustMatchKind.IssuerAndSerial, state.Match(Signature("signed-lab-ca.ko"))!.MatchKind);
        Assert.Equal(TrustMatchKind.KeyId, state.Match(keyId)!.MatchKind);
        Assert.False(state.IsKeyEnrolled(Signature("signed-dkms-mok.ko")));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void KernelSigningAnchorsComeAfterTheFirmwareOnes()
    {
        var state = new SecureBootReader(Root("enabled-mok")).Read(new DiagnosticLog(), new[] { Signature("signed-lab-ca.ko")! });
        Assert.Equal(new[] { TrustStores.MokList, TrustStores.Db, TrustStores.KernelSigning }, state.Anchors.Select(a => a.Store));
        Assert.Equal(TrustStores.Db, state.FindAnchor(Signature("signed-lab-ca.ko"))!.Store);
    }
}
