using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;
using static KmodPS.Tests.SecureBoot.SecureBootFixtures;

namespace KmodPS.Tests.SecureBoot;

/// <summary>The DKMS key and a module dkms signed with it, on machines that have them.</summary>
public sealed class RealDkmsMokTests
{
    private const string MokCertificate = "/var/lib/dkms/mok.pub";
    private const string DkmsModule = "/var/lib/dkms/v4l2loopback/0.12.7/6.1.0-56-amd64/x86_64/module/v4l2loopback.ko";

    [Fact]
    public void AModuleDkmsSignedIsTrustedOnceItsMokIsEnrolled()
    {
        if (!File.Exists(MokCertificate) || !File.Exists(DkmsModule))
        {
            return; // Needs dkms 3.x's own key and a module it built and signed; this machine has neither.
        }
        ModuleSignature? signature;
        using (var module = new FileByteSource(DkmsModule))
        {
            signature = AppendedSignature.Read(module);
        }
        Assert.NotNull(signature);

        using var temp = new TempRoot();
        temp.WriteEfivar("SecureBoot", EfiGlobal, new byte[] { 1 });
        var before = new SecureBootReader(temp.Root).Read(new DiagnosticLog());
        Assert.False(before.IsKeyEnrolled(signature));

        temp.WriteEfivar("MokListRT", ShimLock, X509List(File.ReadAllBytes(MokCertificate)));
        var log = new DiagnosticLog();
        var after = new SecureBootReader(temp.Root).Read(log);
        Assert.Empty(log.Warnings);
        var match = after.Match(signature)!;
        Assert.Equal((TrustStores.MokList, TrustMatchKind.IssuerAndSerial), (match.Anchor.Store, match.MatchKind));
        Assert.Equal(signature!.Signer, match.Anchor.Subject);
    }
}
