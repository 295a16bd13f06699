using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Core;

public sealed class HostReaderTests
{
    [Theory]
    [InlineData("almalinux", HostFamily.RedHat, "almalinux", "9.7")]
    [InlineData("ubuntu", HostFamily.Debian, "ubuntu", "24.04")]
    [InlineData("sles", HostFamily.Suse, "sles", "15.6")]
    public void ClassifiesOsReleaseFiles(string file, HostFamily family, string id, string versionId)
    {
        var values = OsRelease.Parse(File.ReadAllText(RepoPaths.Fixture("os-release", file)));
        var like = values.TryGetValue("ID_LIKE", out var l) ? l.Split(' ') : Array.Empty<string>();
        Assert.Equal(id, values["ID"]);
        Assert.Equal(versionId, values["VERSION_ID"]);
        Assert.Equal(family, HostFamilyClassifier.Classify(values["ID"], like));
    }

    [Fact]
    public void ReadsTheHostOfARootWithoutRunningKernel()
    {
        var log = new DiagnosticLog();
        var host = new KernelHostReader(new DirectorySystemRoot(RepoPaths.Fixture("roots", "alma-basic"))).Read(log);
        Assert.Equal(HostFamily.RedHat, host.Family);
        Assert.Equal(new[] { "rhel", "centos", "fedora" }, host.DistributionIdLike);
        Assert.Null(host.RunningKernel);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void ARootWithoutOsReleaseIsUnknownWithAWarning()
    {
        var log = new DiagnosticLog();
        var host = new KernelHostReader(new DirectorySystemRoot(RepoPaths.Fixture("os-release"))).Read(log);
        Assert.Equal(HostFamily.Unknown, host.Family);
        Assert.Contains(log.Warnings, w => w.Contains("os-release"));
    }

    [Fact]
    public void UnquotesValues() =>
        Assert.Equal("AlmaLinux 9.7 (Moss Jungle Cat)", OsRelease.Parse("PRETTY_NAME=\"AlmaLinux 9.7 (Moss Jungle Cat)\"\n")["PRETTY_NAME"]);
}
