using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Core;

public sealed class SystemRootTests
{
    private readonly DirectorySystemRoot _debian = new(RepoPaths.Fixture("roots", "debian-merged"));

    [Fact]
    public void AbsoluteLinksResolveInsideTheRoot()
    {
        Assert.Equal("/usr/src/linux-headers-6.1.0-10-amd64", _debian.ResolvePath("/lib/modules/6.1.0-10-amd64/build"));
        Assert.True(_debian.DirectoryExists("/lib/modules/6.1.0-10-amd64/build"));
    }

    [Fact]
    public void RelativeLinksInThePathAreFollowed() =>
        Assert.Equal(new[] { "6.1.0-10-amd64", "6.1.0-9-amd64" }, _debian.ListDirectory("/lib/modules"));

    [Fact]
    public void DanglingLinksResolveToNull()
    {
        var alma = new DirectorySystemRoot(RepoPaths.Fixture("roots", "alma-basic"));
        Assert.True(alma.IsSymbolicLink("/lib/modules/5.14.0-611.9.1.el9_7.x86_64/build"));
        Assert.Null(alma.ResolvePath("/lib/modules/5.14.0-611.9.1.el9_7.x86_64/build"));
    }

    [Fact]
    public void DotDotCannotEscapeTheRoot() =>
        Assert.Equal("/etc/os-release", _debian.ResolvePath("/../../../etc/os-release"));

    [Fact]
    public void MapsPathsUnderTheRoot() =>
        Assert.Equal(RepoPaths.Fixture("roots", "debian-merged") + "/boot", _debian.MapPath("/boot"));
}
