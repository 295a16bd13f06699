using KmodPS.Planning;

namespace KmodPS.Tests.Planning;

public sealed class DebianUpgradeKernelsTests
{
    [Fact]
    public void OnlyBootableVersionedImagesAreKernels() =>
        Assert.Equal(new[] { "6.1.0-57-amd64", "5.15.0-91-generic", "6.1.0-57-cloud-amd64" }, DebianUpgradeKernels.From(new[]
        {
            "linux-image-6.1.0-57-amd64", "linux-image-amd64", "linux-headers-6.1.0-57-amd64", "linux-headers-6.1.0-57-common",
            "linux-image-6.1.0-57-amd64-dbg", "linux-image-6.1.0-57-amd64-unsigned", "linux-image-unsigned-5.15.0-91-generic",
            "linux-image-cloud-amd64", "linux-image-6.1.0-57-cloud-amd64", "linux-image-6.1.0-57-cloud-amd64-dbgsym", "libc6",
        }));
}
