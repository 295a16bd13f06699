using KmodPS.Core.Dkms;

namespace KmodPS.Tests.Core;

public sealed class DkmsStatusParserTests
{
    [Theory]
    [InlineData("rapiddisk, 4.3, 4.7.4-2-default, x86_64: installed", "rapiddisk", "4.3", "4.7.4-2-default", "x86_64", "installed", null)]
    [InlineData("acpi_call, 1.1.0: added", "acpi_call", "1.1.0", null, null, "added", null)]
    [InlineData("nvidia/510.47.03, 5.15.0-27-generic, x86_64: installed", "nvidia", "510.47.03", "5.15.0-27-generic", "x86_64", "installed", null)]
    [InlineData("acpi_call/1.1.0: added", "acpi_call", "1.1.0", null, null, "added", null)]
    [InlineData("zfs/2.2.2: broken", "zfs", "2.2.2", null, null, "broken", null)]
    [InlineData("v4l2loopback/0.12.7, 6.1.0-56-amd64, x86_64: installed (WARNING! Diff between built and installed module!)", "v4l2loopback", "0.12.7", "6.1.0-56-amd64", "x86_64", "installed", "(WARNING! Diff between built and installed module!)")]
    [InlineData("nvidia/550.54, 6.8.0-1-generic, x86_64: installed (Original modules exist)", "nvidia", "550.54", "6.8.0-1-generic", "x86_64", "installed", "(Original modules exist)")]
    [InlineData("kmod-x, 1.0, 4.18.0-513.el8.x86_64, x86_64: installed-weak from 4.18.0-477.el8.x86_64", "kmod-x", "1.0", "4.18.0-513.el8.x86_64", "x86_64", "installed-weak", "from 4.18.0-477.el8.x86_64")]
    public void ParsesEveryGenerationsLineForm(string line, string module, string version, string? kernel, string? arch, string state, string? note)
    {
        var parsed = Assert.Single(DkmsStatusParser.Parse(line + "\n"));
        Assert.Equal(new DkmsStatusLine(module, version, kernel, arch, state, note), parsed);
    }

    [Fact]
    public void IgnoresWarningsAndBlankLines() =>
        Assert.Empty(DkmsStatusParser.Parse("Deprecated feature: REMAKE_INITRD\n\nError! Could not locate dkms.conf file.\n"));
}
