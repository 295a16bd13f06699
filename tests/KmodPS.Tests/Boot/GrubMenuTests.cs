using KmodPS.Core.Boot;
using KmodPS.Tests.Engine;
using static KmodPS.Tests.Boot.BootFixtures;

namespace KmodPS.Tests.Boot;

public sealed class GrubMenuTests
{
    private static readonly IReadOnlyList<GrubMenuNode> DebianMenu =
        GrubMenuParser.Parse(File.ReadAllText(RepoPaths.Fixture("boot", "templates", "debian12-grub.cfg")));

    [Fact]
    public void ParsesDebian10LinuxStructure()
    {
        Assert.Equal(2, DebianMenu.Count);
        Assert.Equal("Debian GNU/Linux", DebianMenu[0].Title);
        Assert.Equal($"gnulinux-simple-{DebianUuid}", DebianMenu[0].Id);
        Assert.Equal("/boot/vmlinuz-6.1.0-56-amd64", DebianMenu[0].LinuxPath);
        var advanced = DebianMenu[1];
        Assert.True(advanced.IsSubmenu);
        Assert.Equal("Advanced options for Debian GNU/Linux", advanced.Title);
        Assert.Equal(4, advanced.Children.Count);
        Assert.Equal("Debian GNU/Linux, with Linux 6.1.0-55-amd64 (recovery mode)", advanced.Children[3].Title);
        Assert.Equal($"gnulinux-6.1.0-55-amd64-recovery-{DebianUuid}", advanced.Children[3].Id);
    }

    [Theory]
    [InlineData("0", "Debian GNU/Linux")]
    [InlineData("1>2", "Debian GNU/Linux, with Linux 6.1.0-55-amd64")]
    [InlineData("1", "Debian GNU/Linux, with Linux 6.1.0-56-amd64")]
    [InlineData("Advanced options for Debian GNU/Linux>1", "Debian GNU/Linux, with Linux 6.1.0-56-amd64 (recovery mode)")]
    [InlineData("gnulinux-advanced-92a0b02e-789d-4898-a0a5-13e665d51033>gnulinux-6.1.0-55-amd64-recovery-92a0b02e-789d-4898-a0a5-13e665d51033", "Debian GNU/Linux, with Linux 6.1.0-55-amd64 (recovery mode)")]
    [InlineData("", "Debian GNU/Linux")]
    [InlineData(null, "Debian GNU/Linux")]
    public void SelectsLikeGrubMenuC(string? value, string title)
    {
        var selection = GrubDefaultSelector.Select(DebianMenu, value, idFirst: false);
        Assert.Null(selection.Failure);
        Assert.Equal(title, selection.Entry?.Title);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("1>9")]
    [InlineData("gnulinux-6.1.0-55-amd64-advanced-92a0b02e-789d-4898-a0a5-13e665d51033")]
    [InlineData("Debian GNU/Linux, with Linux 6.1.0-55-amd64")]
    public void NestedEntriesNeedTheirSubmenuAndUnknownValuesFail(string value)
    {
        var selection = GrubDefaultSelector.Select(DebianMenu, value, idFirst: false);
        Assert.Null(selection.Entry);
        Assert.Contains("matches no item", selection.Failure);
    }

    [Fact]
    public void UpstreamReadsALeadingNumberFirstWhileRhelTriesIdsFirst()
    {
        var menu = new List<GrubMenuNode> { new("first", "a", false), new("second", "2abc", false), new("third", "c", false) };
        Assert.Equal("third", GrubDefaultSelector.Select(menu, "2abc", idFirst: false).Entry?.Title);
        Assert.Equal("second", GrubDefaultSelector.Select(menu, "2abc", idFirst: true).Entry?.Title);
        Assert.Equal("third", GrubDefaultSelector.Select(menu, "2", idFirst: true).Entry?.Title);
    }

    [Theory]
    [InlineData("title", "title", true)]
    [InlineData("title", "title>rest", true)]
    [InlineData("a>b", "a>>b", true)]
    [InlineData("a>b", "a>b", false)]
    [InlineData("titl", "title", false)]
    [InlineData("title", "titl", false)]
    public void MatchesTitlesAndIdsUpToTheFirstSeparator(string name, string value, bool matches) =>
        Assert.Equal(matches, GrubDefaultSelector.MatchesPrefix(name, value));

    [Fact]
    public void ReadsTheCompiledDefaultOnlyFromTheHeaderSection()
    {
        var rhel = GrubConfigHeader.Parse(File.ReadAllText(RepoPaths.Fixture("boot", "templates", "rhel9-grub.cfg")));
        Assert.True(rhel.HonoursNextEntry);
        Assert.Equal("${saved_entry}", rhel.CompiledDefault);
        Assert.True(rhel.UsesBlscfg);
        Assert.True(rhel.UsesBootCounter);
        var debian = GrubConfigHeader.Parse(File.ReadAllText(RepoPaths.Fixture("boot", "templates", "debian12-grub.cfg")));
        Assert.Equal("${saved_entry}", debian.CompiledDefault);
        Assert.False(debian.UsesBlscfg);
    }

    [Fact]
    public void SplitsGrubScriptWords()
    {
        var words = GrubScriptWords.Split("menuentry 'It'\\''s' --class x $menuentry_id_option \"id \\\"q\\\"\" { # comment");
        Assert.Equal(new[] { "menuentry", "It's", "--class", "x", "$menuentry_id_option", "id \"q\"", "{" }, words.Select(w => w.Text));
        Assert.True(words[^1].Is("{"));
        Assert.False(words[1].Is("It's"));
    }
}
