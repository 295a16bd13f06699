using System.Text;
using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Tests.Engine;
using static KmodPS.Tests.Boot.BootFixtures;

namespace KmodPS.Tests.Boot;

public sealed class GrubEnvironmentTests
{
    [Fact]
    public void ReadsAGrubEditenvFile()
    {
        // Written by: grub-editenv <file> create; grub-editenv <file> set saved_entry=... next_entry=...
        var block = GrubEnvironmentBlock.Parse(File.ReadAllBytes(RepoPaths.Fixture("boot", "rhel-bls-next", "boot", "grub2", "grubenv")));
        Assert.NotNull(block);
        Assert.Equal(RhelId("5.14.0-611.41.1.el9_7.x86_64"), block["saved_entry"]);
        Assert.Equal(RhelId("5.14.0-611.49.1.el9_7.x86_64"), block["next_entry"]);
        Assert.Equal(2, block.Count);
    }

    [Fact]
    public void UnescapesBackslashesAndNewlines()
    {
        var text = GrubEnvironmentBlock.Signature + "a=x\\\\y\nb=line\\\nnext\n" + new string('#', 40);
        var block = GrubEnvironmentBlock.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Equal("x\\y", block!["a"]);
        Assert.Equal("line\nnext", block["b"]);
    }

    [Fact]
    public void AFileWithoutTheSignatureIsRejected() =>
        Assert.Null(GrubEnvironmentBlock.Parse(Encoding.UTF8.GetBytes("saved_entry=0\n")));

    [Fact]
    public void AMissingFileHasNoVariables()
    {
        var env = GrubEnvironment.Read(Root("rhel-bls-saved"), "/boot/grub2/none", new DiagnosticLog());
        Assert.False(env.Unreadable);
        Assert.Empty(env.Variables);
    }
}
