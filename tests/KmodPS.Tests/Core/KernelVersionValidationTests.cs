
using KmodPS.Core.Kernels;

namespace KmodPS.Tests.Core;

public sealed class KernelVersionValidationTests
{
    [Theory]
    [InlineData("5.14.0-611.41.1.el9_7.x86_64")]
    [InlineData("6.1.0-56-amd64")]
    [InlineData("6.12.0+rpt-rpi-v8")]
    [InlineData("6.1.0~rc1")]
    public void AcceptsRealReleases(string version) => Assert.True(KernelRelease.IsValid(version));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("6.1.0; rm -rf /")]
    [InlineData("6.1.0 amd64")]
    [InlineData("6.1.0\n")]
    [InlineData("$(reboot)")]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData("6.1.0-`id`")]
    public void RejectsUnsafeOrEmptyStrings(string? version) => Assert.False(KernelRelease.IsValid(version));
}
