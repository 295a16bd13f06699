using KmodPS.Packages;
using KmodPS.Platform;
using KmodPS.Tests.Removal;

namespace KmodPS.Tests.Packages;

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
        var package = Assert.Single(RpmPackageQuery.ParseWithRequirements("kernel-core\t2\t5.14.0\t1.el9\tx86_64\t\n"));
        Assert.Equal("kernel-core-2:5.14.0-1.el9.x86_64", package.Spec);
        Assert.Equal("5.14.0-1.el9.x86_64", package.VersionReleaseArch);
    }

    [Fact]
    public void QueryNamesTheRootAndItsDatabase()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-rpmq-");
        try
        {
            var arguments = RpmPackageQuery.Arguments(new DirectorySystemRoot(root.FullName), RpmPackageQuery.RequirementsFormat);
            Assert.Equal(new[] { "--root", root.FullName, "--dbpath", "/var/lib/rpm", "-qa", "--qf" }, arguments.Take(6));
            Assert.DoesNotContain("--root", RpmPackageQuery.Arguments(DirectorySystemRoot.Host, RpmPackageQuery.RequirementsFormat));
        }
        finally
        {
            root.Delete(true);
        }
    }

    [Fact]
    public void PackagesFormatGivesTheNevraWithoutGpgKeys()
    {
        var packages = RpmPackageQuery.ParsePackages("kernel-core|0|5.14.0|611.41.1.el9_7|x86_64\ngpg-pubkey|(none)|8483c65d|5ccc5b19|(none)\nkernel-doc|(none)|5.14.0|611.41.1.el9_7|(none)\nbroken|1\n");
        Assert.Equal(new[] { "kernel-core-0:5.14.0-611.41.1.el9_7.x86_64", "kernel-doc-0:5.14.0-611.41.1.el9_7.noarch" }, packages.Select(p => p.Nevra));
        Assert.Equal(new[] { "-qa", "--qf", "%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}\\n" }, RpmPackageQuery.Arguments(DirectorySystemRoot.Host, RpmPackageQuery.PackagesFormat).Skip(2));
    }
}
