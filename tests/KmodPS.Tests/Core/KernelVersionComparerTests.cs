
using KmodPS.Core.Kernels;

namespace KmodPS.Tests.Core;

public sealed class KernelVersionComparerTests
{
    [Theory]
    [InlineData("5.14.0-611.9.1.el9_7.x86_64", "5.14.0-611.41.1.el9_7.x86_64")]
    [InlineData("6.1.0-9-amd64", "6.1.0-10-amd64")]
    [InlineData("5.14.0-611.41.1.el9_7.x86_64", "5.14.0-611.45.1.el9_7.x86_64")]
    [InlineData("5.14.0-570.12.1.el9_6.x86_64", "5.14.0-611.5.1.el9_7.x86_64")]
    [InlineData("6.8.0-45-generic", "6.8.0-100-generic")]
    [InlineData("6.1.0~rc1", "6.1.0")]
    [InlineData("4.18.0", "5.0.0")]
    [InlineData("6.12.0-rc3", "6.12.0-1")]
    public void OrdersOlderBeforeNewer(string older, string newer)
    {
        Assert.True(KernelVersionComparer.Instance.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(KernelVersionComparer.Instance.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Fact]
    public void EqualStringsCompareEqual() =>
        Assert.Equal(0, KernelVersionComparer.Instance.Compare("6.1.0-10-amd64", "6.1.0-10-amd64"));

    [Fact]
    public void SortsAMixedListNumerically()
    {
        var sorted = new[] { "6.1.0-10-amd64", "6.1.0-9-amd64", "6.1.0-55-amd64", "6.1.0-100-amd64" }
            .Order(KernelVersionComparer.Instance).ToArray();
        Assert.Equal(new[] { "6.1.0-9-amd64", "6.1.0-10-amd64", "6.1.0-55-amd64", "6.1.0-100-amd64" }, sorted);
    }
}

public sealed class KernelVersionComparerPrefixTests
{
    // The comparer starts after the last separator of the text both share; these pairs differ right after one, inside a
    // run, in the separator itself, at a tilde, and where one is the other's prefix.
    [Theory]
    [InlineData("6.1.0-9-amd64", "6.1.0-10-amd64")]
    [InlineData("6.1.0-19-amd64", "6.1.0-100-amd64")]
    [InlineData("5.14.0-611.41.1", "5.14.0-611.45.1")]
    [InlineData("1.0~rc1", "1.0~rc2")]
    [InlineData("1.0~rc1", "1.0")]
    [InlineData("1.0", "1.0.1")]
    [InlineData("1.0a", "1.0.1")]
    [InlineData("a9b", "a10b")]
    [InlineData("6.1.0-rc3", "6.1.0-1")]
    [InlineData("6.1.0_1", "6.1.0-2")]
    public void OrdersAsAComparisonFromTheStart(string older, string newer)
    {
        Assert.True(KernelVersionComparer.Instance.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(KernelVersionComparer.Instance.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Theory]
    [InlineData("1.01", "1.1")]
    [InlineData("6.1.0-010-amd64", "6.1.0-10-amd64")]
    public void NumericallyEqualRunsFallBackToTheText(string x, string y) =>
        Assert.Equal(Math.Sign(string.CompareOrdinal(x, y)), KernelVersionComparer.Instance.Compare(x, y));
}
