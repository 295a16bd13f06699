using KmodPS.Core.Dkms;

namespace KmodPS.Tests.Core;

/// <summary>
/// dkms.conf files that bash cannot source or dkms's read_conf refuses ("Bad conf file"), as the lab checks against
/// the real dkms (Lab/DkmsConfLabTests), and valid shapes that must not be flagged.
/// </summary>
public sealed class DkmsConfProblemTests
{
    private const string Head = "PACKAGE_NAME=\"m\"\nPACKAGE_VERSION=\"1.0\"\n";
    private const string Record = "BUILT_MODULE_NAME[0]=m\nDEST_MODULE_LOCATION[0]=/extra\n";

    [Theory]
    [InlineData("PACKAGE_NAME=\"m\nPACKAGE_VERSION=\"1.0\"\nBUILT_MODULE_NAME[0]=\"m\"\n", "the \" quote opened on line 3 is never closed")]
    [InlineData(Head + "if [ -n \"$kernelver\" ]; then\n  BUILT_MODULE_NAME[0]=m\n", "the 'if' on line 3 is never closed")]
    [InlineData(Head + "BUILT_MODULE_NAME[0]=m\nfi\n", "'fi' on line 4 closes no open 'if'")]
    [InlineData(Head + "case \"$kernelver\" in\n  6.*) X=1 ;;\n", "the 'case' on line 3 is never closed")]
    [InlineData(Head + "for k in a b; do\n  X=$k\n", "the 'for' on line 3 is never closed")]
    [InlineData(Head + "MAKE[0]=\"make $(echo x\"\n", "never closed")]
    [InlineData("PACKAGE_NAME=m\nBUILT_MODULE_NAME[0]=m\nDEST_MODULE_LOCATION[0]=/extra\n", "it sets no PACKAGE_VERSION, so dkms refuses it (Bad conf file)")]
    [InlineData(Head + "BUILT_MODULE_NAME[0]=m.ko\nDEST_MODULE_LOCATION[0]=/extra\n", "record #0 has a BUILT_MODULE_NAME ending in .o or .ko")]
    [InlineData(Head + "BUILT_MODULE_NAME[0]=m\nBUILT_MODULE_NAME[1]=n\nDEST_MODULE_LOCATION[0]=/extra\n", "record #1 has no DEST_MODULE_LOCATION")]
    [InlineData("\u007fELF\u0002\u0001\u0001\0\0\0", "NUL bytes")]
    public void NamesWhatDkmsWouldChokeOn(string text, string problem)
    {
        var conf = DkmsConf.Parse(text);
        Assert.NotNull(conf.Problem);
        Assert.Contains(problem, conf.Problem);
    }

    [Fact]
    public void AfterABashFaultOnlyTheAssignmentsBeforeItCount()
    {
        // bash runs the lines before the fault; an unclosed if at the end leaves what came before intact.
        var late = DkmsConf.Parse(Head + "BUILT_MODULE_NAME[0]=m\nDEST_MODULE_LOCATION[0]=/extra\nif [ -n \"$kernelver\" ]; then\n  STRIP[0]=no\n");
        Assert.Equal(("m", "1.0"), (late.PackageName, late.PackageVersion));
        Assert.DoesNotContain("Bad conf file", late.Problem);
        // A quote opened on the first line swallows the rest: dkms then has no PACKAGE_NAME and refuses the file.
        var early = DkmsConf.Parse("PACKAGE_NAME=\"m\nPACKAGE_VERSION=1.0\n");
        Assert.Null(early.PackageVersion);
        Assert.Contains("Bad conf file", early.Problem);
    }

    [Theory]
    [InlineData(Head + "BUILT_MODULE_NAME[0]=\"m\"\nDEST_MODULE_LOCATION[0]=\"/updates/dkms\"\nAUTOINSTALL=\"yes\"\n")]
    [InlineData(Head + "if [ -f $kernel_source_dir/.config ]; then\n  . $kernel_source_dir/.config\n  if [ \"${CONFIG_X:-n}\" = \"n\" ]; then BUILD_EXCLUSIVE_KERNEL=\"no\"; fi\nfi\n" + Record)]
    [InlineData(Head + "case \"$kernelver\" in\n  (5.*) X=1 ;;\n  6.*|7.*) X=2 ;;\n  *) ;;\nesac\n" + Record)]
    [InlineData(Head + "MAKE[0]=\"make -C ${kernel_source_dir} M=$(pwd) KVER=\\\"$kernelver\\\" $(basename \"$dkms_tree\")\"\n# it's a comment with a quote\n" + Record)]
    [InlineData(Head + "for i in 0 1; do X[$i]=/extra; done\nPOST_INSTALL='echo \"done\"'\nf() { :; }\n" + Record)]
    [InlineData(Head + "MAKE[0]=\"make -C $kernel_source_dir \\\n  M=$dkms_tree/m/1.0/build\nKVER=$kernelver\"\nBUILT_MODULE_NAME[0]=m\nDEST_MODULE_LOCATION[0]=/extra\n")]
    [InlineData("PACKAGE_NAME=m\nif true; then\n  PACKAGE_VERSION=1\nfi\n" + Record)]
    public void ValidShapesAreNotFlagged(string text) => Assert.Null(DkmsConf.Parse(text).Problem);
}
