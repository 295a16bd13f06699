using KmodPS.Core.Diagnostics;
using KmodPS.Core.SecureBoot;
using static KmodPS.Tests.SecureBoot.SecureBootFixtures;

namespace KmodPS.Tests.SecureBoot;

public sealed class SecureBootModeTests
{
    [Theory]
    [InlineData("enabled-mok", SecureBootMode.Enabled)]
    [InlineData("enabled-nomok", SecureBootMode.Enabled)]
    [InlineData("corrupt-moklist", SecureBootMode.Enabled)]
    [InlineData("mok-config-table", SecureBootMode.Enabled)]
    [InlineData("disabled", SecureBootMode.Disabled)]
    [InlineData("no-efivars", SecureBootMode.Unknown)]
    public void ReadsTheSecureBootVariable(string root, SecureBootMode expected) =>
        Assert.Equal(expected, new SecureBootReader(Root(root)).Read(new DiagnosticLog()).Mode);

    [Fact]
    public void LegacyBiosBootIsUnknownWithoutComplaint()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("no-efivars")).Read(log);
        Assert.Equal(SecureBootMode.Unknown, state.Mode);
        Assert.Empty(state.Anchors);
        Assert.Empty(log.Warnings);
        Assert.Empty(log.Failures);
    }

    [Fact]
    public void UnmountedEfivarfsIsUnknownWithAWarning()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("efivars-not-mounted")).Read(log);
        Assert.Equal(SecureBootMode.Unknown, state.Mode);
        Assert.Contains(log.Warnings, w => w.Contains("efivarfs is not mounted", StringComparison.Ordinal));
    }

    [Fact]
    public void DisabledShimValidationMeansDisabledForModules()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(Root("shim-validation-disabled")).Read(log);
        Assert.Equal(SecureBootMode.Disabled, state.Mode);
        Assert.True(state.ShimValidationDisabled);
        Assert.Contains(log.Warnings, w => w.Contains("MokSBStateRT", StringComparison.Ordinal));
    }

    [Fact]
    public void ShimStateOfZeroKeepsSecureBootEnabled()
    {
        using var temp = new TempRoot();
        temp.WriteEfivar("SecureBoot", EfiGlobal, new byte[] { 1 });
        temp.WriteEfivar("MokSBStateRT", ShimLock, new byte[] { 0 });
        var log = new DiagnosticLog();
        var state = new SecureBootReader(temp.Root).Read(log);
        Assert.Equal(SecureBootMode.Enabled, state.Mode);
        Assert.False(state.ShimValidationDisabled);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void ShimStateFromTheMokConfigTableIsHonoured()
    {
        using var temp = new TempRoot();
        temp.WriteEfivar("SecureBoot", EfiGlobal, new byte[] { 1 });
        temp.Write("/sys/firmware/efi/mok-variables/MokSBStateRT", new byte[] { 1 });
        Assert.Equal(SecureBootMode.Disabled, new SecureBootReader(temp.Root).Read(new DiagnosticLog()).Mode);
    }

    [Fact]
    public void FirmwareWithoutSecureBootSupportIsDisabled()
    {
        using var temp = new TempRoot();
        temp.WriteEfivar("BootCurrent", EfiGlobal, new byte[] { 1, 0 });
        var log = new DiagnosticLog();
        Assert.Equal(SecureBootMode.Disabled, new SecureBootReader(temp.Root).Read(log).Mode);
        Assert.Empty(log.Warnings);
    }

    [Theory]
    [InlineData(new byte[] { 7, 0 })]
    [InlineData(new byte[] { 7, 0, 0, 0 })]
    [InlineData(new byte[] { 7, 0, 0, 0, 9 })]
    public void ACorruptSecureBootVariableIsUnknownWithAWarning(byte[] content)
    {
        using var temp = new TempRoot();
        temp.Write($"/sys/firmware/efi/efivars/SecureBoot-{EfiGlobal}", content);
        var log = new DiagnosticLog();
        Assert.Equal(SecureBootMode.Unknown, new SecureBootReader(temp.Root).Read(log).Mode);
        Assert.Single(log.Warnings);
    }

    [Fact]
    public void TheHostRootReadsWithoutThrowing()
    {
        var log = new DiagnosticLog();
        var state = new SecureBootReader(KmodPS.Core.Platform.DirectorySystemRoot.Host).Read(log);
        Assert.Equal(Directory.Exists("/sys/firmware/efi") ? state.Mode : SecureBootMode.Unknown, state.Mode);
        Assert.Empty(log.Failures);
    }
}
