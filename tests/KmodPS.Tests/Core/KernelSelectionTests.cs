using KmodPS.Core.Hosts;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Core;

/// <summary>-KernelVersion and -Name matching in Core: PowerShell's wildcards, and "matched nothing" for plain names.</summary>
public sealed class KernelSelectionTests
{
    [Theory]
    [InlineData("6.1.0-1*", "6.1.0-10-amd64", true)]
    [InlineData("6.1.0-1*", "6.1.0-9-amd64", false)]
    [InlineData("5.14.0-611.4?.1.el9_7.X86_64", "5.14.0-611.41.1.el9_7.x86_64", true)]
    [InlineData("6.1.0-5[5-6]-amd64", "6.1.0-56-amd64", true)]
    [InlineData("6.1.0-5[5-6]-amd64", "6.1.0-57-amd64", false)]
    [InlineData("5.14.0", "5.14.0.x86_64", false)]
    [InlineData("nvidia_*", "nvidia_drm", true)]
    [InlineData("a`*b", "a*b", true)]
    [InlineData("a`*b", "axb", false)]
    [InlineData("x[y", "x[y", true)]
    public void WildcardsMatchAsLikeDoes(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new Wildcard(pattern).IsMatch(name));

    [Fact]
    public void APlainNameThatMatchedNothingIsKernelNotFoundAndAPatternIsNot()
    {
        var selection = KernelSelection.Parse(new[] { "6.1.0-10-amd64", "9.9.9-nope", "7.*" }, out var invalid)!;

        Assert.Null(invalid);
        Assert.True(selection.Matches("6.1.0-10-amd64"));
        Assert.False(selection.Matches("6.1.0-11-amd64"));
        var notFound = Assert.Single(selection.Unmatched("/r"));
        Assert.Equal(("KernelNotFound", "9.9.9-nope"), (notFound.ErrorId, notFound.Target));
    }

    [Theory]
    [InlineData("5.14; reboot")]
    [InlineData("")]
    [InlineData("6.1.0\n")]
    public void AnInvalidEntryIsInvalidKernelVersionAndNoSelection(string bad)
    {
        Assert.Null(KernelSelection.Parse(new[] { "6.1.0-10-amd64", bad }, out var invalid));
        Assert.Equal(("InvalidKernelVersion", (object?)bad), (invalid!.ErrorId, invalid.Target));
    }

    [Fact]
    public void NoVersionsSelectEveryKernel()
    {
        var selection = KernelSelection.Parse(null, out _)!;
        Assert.True(selection.Matches("anything-1"));
        Assert.Empty(selection.Unmatched("/r"));
    }
}
