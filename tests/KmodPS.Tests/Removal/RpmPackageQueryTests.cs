using KmodPS.Platform;
using KmodPS.Removal;

namespace KmodPS.Tests.Removal;

public sealed class RpmPackageQueryTests
{
    [Fact]
    public void ParsesNevraAndRequirements()
    {
        var kmod = RemovalFixtures.Rpm.Single(p => p.Name == "kmod-nvidia-open");
        Assert.Equal("kmod-nvidia-open-595.58.03-1.el9_7.x86_64", kmod.Spec);
        Assert.Equal("kmod-nvidia-open-0:595.58.03-1.el9_7.x86_64", kmod.EpochSpec);
        var requirement = Assert.Single(kmod.Requires);
        Assert.Equal(("kernel-uname-r", "=", RemovalFixtures.K41), (requirement.Name, requirement.Flags, requirement.Version));
        var glibc = RemovalFixtures.Rpm.Single(p => p.Name == "glibc-devel");
        Assert.Equal(("kernel-headers", (string?)null), (glibc.Requires[0].Name, glibc.Requires[0].Flags));
    }

    [Fact]
    public void NonZeroEpochAppearsInTheSpec()
    {
        var package = Assert.Single(RpmPackageQuery.Parse("kernel-core\t2\t5.14.0\t1.el9\tx86_64\t\n"));
        Assert.Equal("kernel-core-2:5.14.0-1.el9.x86_64", package.Spec);
        Assert.Equal("5.14.0-1.el9.x86_64", package.VersionReleaseArch);
    }

    [Fact]
    public void QueryNamesTheRootAndItsDatabase()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-rpmq-");
        try
        {
            var arguments = RpmPackageQuery.Arguments(new DirectorySystemRoot(root.FullName));
            Assert.Equal(new[] { "--root", root.FullName, "--dbpath", "/var/lib/rpm", "-qa", "--qf" }, arguments.Take(6));
            Assert.DoesNotContain("--root", RpmPackageQuery.Arguments(DirectorySystemRoot.Host));
        }
        finally
        {
            root.Delete(true);
        }
    }
}
