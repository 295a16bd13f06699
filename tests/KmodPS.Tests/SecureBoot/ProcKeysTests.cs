using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Tests.SecureBoot;

public sealed class ProcKeysTests
{
    // Shaped like a Debian 12 host under Secure Boot read as root; the last asymmetric key sits in a user's keyring.
    private const string Text = """
        0183a1a6 I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1
        06745087 I------     1 perm 1f030000     0     0 keyring   .dns_resolver: empty
        1bef5bec I------     1 perm 0f0b0000     0     0 keyring   .blacklist: 1
        1c09ad6a I------     1 perm 1f0f0000     0     0 keyring   .secondary_trusted_keys: 1
        2b1e9c1d I------     1 perm 1f010000     0     0 keyring   .platform: 4
        2f3c11a0 I------     1 perm 1f030000     0     0 asymmetri Debian Secure Boot CA: 6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1: X509.rsa bb419ea1 []
        30c1e0d2 I------     1 perm 1f010000     0     0 asymmetri Microsoft Corporation UEFI CA 2011: 13adbf4309bd82709c8cd54f316ed522988a1bd4: X509.rsa 988a1bd4 []
        31a2b3c4 I------     1 perm 1f010000     0     0 asymmetri Lab Distro: Kernel signing key: 00aa11bb22cc33dd44ee55ff66778899aabbccdd: X509.rsa aabbccdd []
        32b3c4d5 I------     1 perm 1f010000     0     0 asymmetri Old signing key: 0badc0de: X509.rsa []
        33c4d5e6 I------     1 perm 1f030000     0     0 blacklist bin:3ff8e3b2a1e5a1a2
        40d5e6f7 I------     1 perm 3f010000  1000  1000 asymmetri Someone's key: 1122334455667788: X509.rsa 55667788 []
        """;

    private readonly IReadOnlyList<TrustAnchor> _anchors = ProcKeys.ParseAnchors(Text);

    [Fact]
    public void ReadsRootOwnedX509KeysWithSubjectAndSkid()
    {
        Assert.Equal(new[] { "Debian Secure Boot CA", "Microsoft Corporation UEFI CA 2011", "Lab Distro: Kernel signing key", "Old signing key" },
            _anchors.Select(a => a.Subject));
        var debian = _anchors[0];
        Assert.Equal("6C:CE:CE:7E:4C:6C:0D:1F:61:49:F3:DD:27:DF:CC:5C:BB:41:9E:A1", debian.SubjectKeyId);
        Assert.Empty(debian.IssuerName);
        Assert.Empty(debian.SerialNumber);
        Assert.Null(debian.Issuer);
        Assert.All(_anchors, a => Assert.Equal(TrustStores.ProcKeys, a.Store));
    }

    [Fact]
    public void AKeyWithoutSkidIsNamedByItsSerial()
    {
        var old = _anchors[3];
        Assert.Null(old.SubjectKeyId);
        Assert.Equal(Convert.FromHexString("0BADC0DE"), old.SerialNumber);
    }

    [Fact]
    public void NoSystemKeyringVisibleMeansNoAnchors()
    {
        // What an unprivileged user sees: only keys of their own keyrings.
        const string user = """
            08142d10 I--Q---     2 perm 3f030000  1000  1000 keyring   _uid.1000: empty
            40d5e6f7 I------     1 perm 3f010000  1000  1000 asymmetri Someone's key: 1122334455667788: X509.rsa 55667788 []
            """;
        Assert.Empty(ProcKeys.ParseAnchors(user));
        Assert.Empty(ProcKeys.ParseAnchors(string.Empty));
    }

    [Fact]
    public void NonX509DescriptionsAreIgnored()
    {
        Assert.Null(ProcKeys.ParseDescription("pkcs8: some private key"));
        Assert.Null(ProcKeys.ParseDescription("Debian Secure Boot CA: not-hex: X509.rsa bb419ea1 []"));
        Assert.NotNull(ProcKeys.ParseDescription("Fedora kernel signing key: 9a7e3a4b: X509.RSA 9a7e3a4b []"));
    }

    [Fact]
    public void SignaturesMatchKernelKeysByNameAsAFallback()
    {
        var state = new SecureBootState(SecureBootMode.Enabled, _anchors);
        var debian = state.Match(Signed("Debian Secure Boot CA", "CN=Debian Secure Boot CA", 0x01, 0x02))!;
        Assert.Equal(TrustMatchKind.SubjectName, debian.MatchKind);
        Assert.Same(_anchors[0], debian.Anchor);
        // The kernel calls this key "O: CN"; the signature names only the CN.
        Assert.Same(_anchors[2], state.FindAnchor(Signed("Kernel signing key", "O=Lab Distro, CN=Kernel signing key", 0x05)));
        Assert.False(state.IsKeyEnrolled(Signed("Someone's key", "CN=Someone's key", 0x07)));
    }

    [Fact]
    public void ANameFallbackAgainstASerialNamedKeyNeedsTheSerialToo()
    {
        var state = new SecureBootState(SecureBootMode.Enabled, _anchors);
        Assert.True(state.IsKeyEnrolled(Signed("Old signing key", "CN=Old signing key", 0x0b, 0xad, 0xc0, 0xde)));
        Assert.False(state.IsKeyEnrolled(Signed("Old signing key", "CN=Old signing key", 0x01)));
    }

    [Fact]
    public void AKeyIdSignatureMatchesAKernelKeyBySkid()
    {
        var state = new SecureBootState(SecureBootMode.Enabled, _anchors);
        var signature = new ModuleSignature("PKCS#7", null, "6C:CE:CE:7E:4C:6C:0D:1F:61:49:F3:DD:27:DF:CC:5C:BB:41:9E:A1", "sha256", null, null);
        Assert.Equal(TrustMatchKind.KeyId, state.Match(signature)!.MatchKind);
    }

    [Fact]
    public void IssuerAndSerialWinsOverTheNameFallback()
    {
        var issuer = new X500DistinguishedName("CN=Debian Secure Boot CA").RawData;
        var certificate = new TrustAnchor("Debian Secure Boot CA", "Debian Secure Boot CA", issuer, new byte[] { 0x01, 0x02 }, null, TrustStores.MokList);
        var state = new SecureBootState(SecureBootMode.Enabled, _anchors.Append(certificate).ToList());
        var match = state.Match(Signed("Debian Secure Boot CA", "CN=Debian Secure Boot CA", 0x00, 0x01, 0x02))!;
        Assert.Equal(TrustMatchKind.IssuerAndSerial, match.MatchKind);
        Assert.Same(certificate, match.Anchor);
    }

    [Fact]
    public void TheNameFallbackAppliesToKernelKeysOnly()
    {
        var issuer = new X500DistinguishedName("CN=DKMS module signing key").RawData;
        var mok = new TrustAnchor("DKMS module signing key", "DKMS module signing key", issuer, new byte[] { 0x01 }, null, TrustStores.MokList);
        var state = new SecureBootState(SecureBootMode.Enabled, new[] { mok });
        Assert.False(state.IsKeyEnrolled(Signed("DKMS module signing key", "CN=DKMS module signing key", 0x02)));
    }

    private static ModuleSignature Signed(string signer, string issuer, params byte[] serial) =>
        new("PKCS#7", signer, Hex.Colon(serial), "sha256", new X500DistinguishedName(issuer).RawData, serial);
}
