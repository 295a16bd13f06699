using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.SecureBoot;
using static KmodPS.Tests.SecureBoot.SecureBootFixtures;

namespace KmodPS.Tests.SecureBoot;

public sealed class TrustAnchorReadingTests
{
    [Fact]
    public void ReadsEnrolledMokAndDbCertificates()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("enabled-mok")).Read(log);
        Assert.Empty(log.Warnings);
        Assert.Collection(state.Anchors,
            mok =>
            {
                Assert.Equal("DKMS module signing key", mok.Subject);
                Assert.Equal("DKMS module signing key", mok.Issuer);
                Assert.Equal(TrustStores.MokList, mok.Store);
                Assert.Equal(Convert.FromHexString("8A11C0FFEE0000000000000000000000000001"), mok.SerialNumber.SkipWhile(b => b == 0).ToArray());
                Assert.Equal(SubjectKeyId("dkms-mok"), mok.SubjectKeyId);
            },
            db =>
            {
                Assert.Equal("Lab Distro Secure Boot CA", db.Subject);
                Assert.Equal(TrustStores.Db, db.Store);
                Assert.Equal(Convert.FromHexString("1234567890ABCDEF"), db.SerialNumber);
            });
    }

    [Fact]
    public void IssuerNameIsTheCertificatesDerName()
    {
        var anchor = new SecureBootReader(Root("enabled-mok")).Read(new DiagnosticLog()).Anchors[1];
        using var certificate = X509CertificateLoader.LoadCertificate(Certificate("lab-ca"));
        Assert.Equal(certificate.IssuerName.RawData, anchor.IssuerName);
        Assert.Equal("CN=Lab Distro Secure Boot CA, O=Lab Distro", new X500DistinguishedName(anchor.IssuerName).Name);
    }

    [Fact]
    public void WithoutMokListOnlyDbRemains()
    {
        var state = new SecureBootReader(Root("enabled-nomok")).Read(new DiagnosticLog());
        Assert.Equal(new[] { TrustStores.Db }, state.Anchors.Select(a => a.Store));
    }

    [Fact]
    public void ReadsTheMokConfigTableWithoutAttributeBytes()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("mok-config-table")).Read(log);
        Assert.Empty(log.Warnings);
        var anchor = Assert.Single(state.Anchors);
        Assert.Equal(("DKMS module signing key", TrustStores.MokList), (anchor.Subject, anchor.Store));
    }

    [Fact]
    public void ACorruptMokListKeepsWhatParsedAndWarns()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("corrupt-moklist")).Read(log);
        var anchor = Assert.Single(state.Anchors);
        Assert.Equal("DKMS module signing key", anchor.Subject);
        Assert.Equal(2, log.Warnings.Count);
        Assert.Contains(log.Warnings, w => w.Contains("not a valid certificate", StringComparison.Ordinal));
        Assert.Contains(log.Warnings, w => w.Contains("corrupt EFI_SIGNATURE_LIST", StringComparison.Ordinal));
        Assert.All(log.Warnings, w => Assert.Contains("MokListRT-605dab50", w, StringComparison.Ordinal));
        Assert.Empty(log.Failures);
    }

    [Fact]
    public void ReadsMokListsSplitOverNumberedVariables()
    {
        using var temp = new TempRoot();
        temp.WriteEfivar("SecureBoot", EfiGlobal, new byte[] { 1 });
        temp.WriteEfivar("MokListRT", ShimLock, X509List(Certificate("dkms-mok")));
        temp.WriteEfivar("MokListRT1", ShimLock, X509List(Certificate("lab-ca")));
        var state = new SecureBootReader(temp.Root).Read(new DiagnosticLog());
        Assert.Equal(new[] { "DKMS module signing key", "Lab Distro Secure Boot CA" }, state.Anchors.Select(a => a.Subject));
        Assert.All(state.Anchors, a => Assert.Equal(TrustStores.MokList, a.Store));
    }

    [Fact]
    public void HashListsAreSkippedQuietly()
    {
        var log = new DiagnosticLog();
        var hashes = SignatureList(new Guid("c1c41626-504c-4092-aca9-41f936934328"), new byte[48]);
        var data = hashes.Concat(X509List(Certificate("lab-ca"))).Concat(hashes).ToArray();
        var certificates = EfiSignatureList.ReadCertificates(data, "test", log);
        Assert.Equal(Certificate("lab-ca"), Assert.Single(certificates));
        Assert.Empty(log.Warnings);
    }

    [Theory]
    [InlineData(0, "too short")]
    [InlineData(1, "corrupt")]
    [InlineData(2, "corrupt")]
    public void BrokenFramingWarnsAndKeepsEarlierLists(int breakage, string expected)
    {
        var good = X509List(Certificate("dkms-mok"));
        var bad = X509List(Certificate("lab-ca"));
        switch (breakage)
        {
            case 0:
                bad = bad[..20];
                break;
            case 1:
                bad[24] = 0; // SignatureSize 0
                bad[25] = 0;
                break;
            default:
                bad[16] = 0xff; // SignatureListSize past the end
                bad[17] = 0xff;
                break;
        }
        var log = new DiagnosticLog();
        var certificates = EfiSignatureList.ReadCertificates(good.Concat(bad).ToArray(), "MokListRT", log);
        Assert.Equal(Certificate("dkms-mok"), Assert.Single(certificates));
        Assert.Contains(expected, Assert.Single(log.Warnings), StringComparison.Ordinal);
    }

    private static string SubjectKeyId(string name)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Certificate(name));
        var extension = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        return string.Join(':', extension.SubjectKeyIdentifierBytes.ToArray().Select(b => b.ToString("X2")));
    }
}
