using KmodPS.Core.Diagnostics;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
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

    [Fact]
    public void ARootWithoutAnRpmDatabaseIsUnavailableAndRpmNeverRuns()
    {
        // rpm -qa creates an empty rpmdb.sqlite under a root that has none: Lock-Kernel -WhatIf wrote into the root.
        var root = Directory.CreateTempSubdirectory("kmodps-rpmq-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "var/lib/rpm"));
            var runner = new CountingRunner();
            var log = new DiagnosticLog();
            Assert.Null(new RpmPackageQuery(new DirectorySystemRoot(root.FullName), runner).ReadPackages(log));
            Assert.Equal(ErrorIds.PackageDatabaseUnavailable, Assert.Single(log.Failures).ErrorId);
            Assert.Equal(0, runner.Runs);
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.FullName, "var/lib/rpm")));

            File.WriteAllText(Path.Combine(root.FullName, "var/lib/rpm/rpmdb.sqlite"), string.Empty);
            Assert.NotNull(new RpmPackageQuery(new DirectorySystemRoot(root.FullName), runner).ReadPackages(new DiagnosticLog()));
            Assert.Equal(1, runner.Runs);
        }
        finally
        {
            root.Delete(true);
        }
    }

    private sealed class CountingRunner : ICommandRunner
    {
        public int Runs { get; private set; }

        public CommandResult Run(CommandRequest request, CancellationToken cancellationToken = default)
        {
            Runs++;
            return new CommandResult(request, 0, string.Empty, string.Empty, TimeSpan.Zero, false);
        }

        public string? FindProgram(string name) => "/usr/bin/" + name;
    }
}
