using KmodPS.Core.Modules;
using KmodPS.Core.TestRoots;

namespace KmodPS.Tests.Lab;

/// <summary>The modules New-KmodTestRoot writes (ELF and appended PKCS#7 signature) read the same in the real modinfo.</summary>
public sealed class TestRootLabTests
{
    [LabFact]
    public void RealModinfoReadsTheTestRootModulesAndSignature()
    {
        var root = Path.Combine(Path.GetTempPath(), "kmodps-testroot-modinfo-" + Guid.NewGuid().ToString("N"));
        try
        {
            TestRootBuilder.Build(root, TestRootScenario.SecureBootUntrusted);
            var file = Path.Combine(root, "lib/modules/6.1.0-56-amd64/updates/dkms/v4l2loopback.ko");
            var theirs = ModinfoOracle.Read(new[] { file })[file];
            var ours = ModuleFileReader.Read(file, file);
            Assert.Equal(theirs["name"], ours.Field("name"));
            Assert.Equal(theirs["vermagic"], ours.Vermagic);
            Assert.Equal("DKMS module signing key", theirs["signer"]);
            Assert.Equal(theirs["sig_key"], ours.Signature?.KeyId);
            Assert.Equal("sha256", theirs["sig_hashalgo"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
