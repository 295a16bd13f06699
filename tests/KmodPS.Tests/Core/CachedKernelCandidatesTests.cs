using System.Text;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.TestRoots;
using static KmodPS.Tests.Core.CandidateCacheFixtures;

namespace KmodPS.Tests.Core;

public sealed class CachedKernelCandidatesTests : IDisposable
{
    private const string Appstream = "/var/cache/dnf/appstream-1a2b3c4d5e6f7a8b/repodata";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-candidates-" + Guid.NewGuid().ToString("N"));

    public CachedKernelCandidatesTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AptListsGiveVersionedImagesOnlyWithoutDebugOrMetapackages()
    {
        var found = AptListKernelCandidates.Parse(new StringReader(DebianPackages), "bookworm");
        Assert.Equal(
            new[] { ("6.1.0-57-amd64", "linux-image-6.1.0-57-amd64"), ("6.1.0-57-amd64", "linux-image-6.1.0-57-amd64-unsigned"), ("6.1.0-58-cloud-amd64", "linux-image-6.1.0-58-cloud-amd64"), ("6.1.0-56-amd64", "linux-image-6.1.0-56-amd64") },
            found.Select(c => (c.KernelVersion, c.Package)));
    }

    [Theory]
    [InlineData("linux-image-unsigned-5.15.0-91-generic", "5.15.0-91-generic")]
    [InlineData("linux-image-5.15.0-91-generic", "5.15.0-91-generic")]
    [InlineData("linux-image-generic-hwe-22.04", null)]
    [InlineData("linux-image-6.1.0-57-amd64-dbg", null)]
    [InlineData("linux-image-5.15.0-91-generic-dbgsym", null)]
    [InlineData("linux-headers-6.1.0-57-amd64", null)]
    [InlineData("linux-image-6.1.0-57-amd64", "6.1.0-57-amd64")]
    [InlineData("linux-image-6.1.0-57-amd64-unsigned", "6.1.0-57-amd64")]
    [InlineData("linux-image-6.1.0-57-cloud-amd64", "6.1.0-57-cloud-amd64")]
    [InlineData("linux-image-6.1.0-57-cloud-amd64-dbgsym", null)]
    [InlineData("linux-image-amd64", null)]
    [InlineData("linux-image-cloud-amd64", null)]
    [InlineData("linux-headers-6.1.0-57-common", null)]
    [InlineData("libc6", null)]
    public void DebianReleaseFollowsTheLockRules(string package, string? release) =>
        Assert.Equal(release, KernelImagePackage.DebianRelease(package));

    [Fact]
    public void PrimaryXmlGivesKernelAndKernelCoreOfRealArchitectures()
    {
        var xml = Primary(
            RpmPackage("kernel-core", "x86_64", "5.14.0", "611.49.1.el9_7"),
            RpmPackage("kernel", "src", "5.14.0", "611.50.1.el9_7"),
            RpmPackage("kernel-devel", "x86_64", "5.14.0", "611.51.1.el9_7"),
            RpmPackage("kernel-rt-core", "x86_64", "5.14.0", "611.52.1.rt14.el9_7"),
            RpmPackage("kernel-doc", "noarch", "5.14.0", "611.53.1.el9_7"),
            RpmPackage("kernel", "x86_64", "5.14.0", "611.45.1.el9_7"));
        var found = RepodataKernelCandidates.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "appstream");
        Assert.Equal(new[] { ("5.14.0-611.49.1.el9_7.x86_64", "kernel-core"), ("5.14.0-611.45.1.el9_7.x86_64", "kernel") }, found.Select(c => (c.KernelVersion, c.Package)));
    }

    [Fact]
    public void ReadsEveryCacheOfTheRootNewestFirstOnceEachAndSkipsWhatItCannotRead()
    {
        Text(Path.Combine(_root, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"), DebianPackages);
        Gzip(Path.Combine(_root, "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.gz"),
            "Package: linux-image-6.1.0-60-amd64\nVersion: 6.1.200-1\n\n");
        Text(Path.Combine(_root, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"), "Package: linux-image-6.1.0-61-amd64\n");
        Text(Path.Combine(_root, "var/lib/apt/lists/partial/x_Packages"), "Package: linux-image-6.1.0-62-amd64\n");
        Gzip(Path.Combine(_root, Appstream.TrimStart('/'), "0011-primary.xml.gz"), Primary(RpmPackage("kernel-core", "x86_64", "5.14.0", "611.49.1.el9_7"), RpmPackage("kernel", "x86_64", "5.14.0", "611.49.1.el9_7")));
        Text(Path.Combine(_root, "var/cache/libdnf5/baseos-0123456789abcdef/repodata/22-primary.xml"), Primary(RpmPackage("kernel-core", "x86_64", "5.14.0", "611.9.1.el9_7")));
        Text(Path.Combine(_root, "var/cache/libdnf5/baseos-0123456789abcdef/repodata/33-primary.xml.zst"), "not readable here");
        File.WriteAllBytes(Path.Combine(_root, Appstream.TrimStart('/'), "44-primary.xml.gz"), new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3 });
        Text(Path.Combine(_root, "var/cache/dnf/extras-0123456789abcdef/repodata/55-primary.xml"), "<metadata><package type=\"rpm\"><name>kernel-core</name><arch>x86_64</arch>");

        var found = PackageBackend.Of(new DirectorySystemRoot(_root)).CachedKernelCandidates();

        Assert.Equal(
            new[]
            {
                ("6.1.0-60-amd64", "linux-image-6.1.0-60-amd64", "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64"),
                ("6.1.0-58-cloud-amd64", "linux-image-6.1.0-58-cloud-amd64", "deb.debian.org_debian_dists_bookworm_main_binary-amd64"),
                ("6.1.0-57-amd64", "linux-image-6.1.0-57-amd64", "deb.debian.org_debian_dists_bookworm_main_binary-amd64"),
                ("6.1.0-56-amd64", "linux-image-6.1.0-56-amd64", "deb.debian.org_debian_dists_bookworm_main_binary-amd64"),
                ("5.14.0-611.49.1.el9_7.x86_64", "kernel-core", "appstream"),
                ("5.14.0-611.9.1.el9_7.x86_64", "kernel-core", "baseos"),
            },
            found.Select(c => (c.KernelVersion, c.Package, c.Repository)));
    }

    [Fact]
    public void AChangedFileIsReadAgain()
    {
        var list = Path.Combine(_root, "var/lib/apt/lists/x_Packages");
        Text(list, "Package: linux-image-6.1.0-57-amd64\n");
        var candidates = PackageBackend.Of(new DirectorySystemRoot(_root));
        Assert.Equal(new[] { "6.1.0-57-amd64" }, candidates.CachedKernelCandidates().Select(c => c.KernelVersion));
        Text(list, "Package: linux-image-6.1.0-58-amd64\n\nPackage: linux-image-6.1.0-57-amd64\n");
        Assert.Equal(new[] { "6.1.0-58-amd64", "6.1.0-57-amd64" }, candidates.CachedKernelCandidates().Select(c => c.KernelVersion));
    }

    [Fact]
    public void ATestRootAnswerFileReplacesTheCaches()
    {
        Text(Path.Combine(_root, "var/lib/apt/lists/x_Packages"), "Package: linux-image-6.1.0-57-amd64\n");
        var answers = new TestRootAnswers
        {
            Available =
            {
                new AvailablePackageAnswer { Name = "kernel-core", Version = "5.14.0", Release = "611.45.1.el9_7" },
                new AvailablePackageAnswer { Name = "kmod-nvidia-open", Version = "595.58.03", Release = "1.el9_7" },
                new AvailablePackageAnswer { Name = "linux-image-6.1.0-59-amd64", Version = "6.1.198-1", Release = string.Empty, Repository = "bookworm" },
            },
            Upgrade = { "linux-image-6.1.0-60-amd64", "linux-image-amd64" },
        };
        Text(Path.Combine(_root, TestRootAnswers.FilePath.TrimStart('/')), answers.ToJson());

        var found = PackageBackend.Of(new DirectorySystemRoot(_root)).CachedKernelCandidates();

        Assert.Equal(
            new[] { ("6.1.0-60-amd64", "upgrade"), ("6.1.0-59-amd64", "bookworm"), ("5.14.0-611.45.1.el9_7.x86_64", "testroot") },
            found.Select(c => (c.KernelVersion, c.Repository)));
    }

    [Fact]
    public void AMalformedAnswerFileAnswersNothingWithItsIdAndTheCacheReaderNeverLooksForOne()
    {
        Text(Path.Combine(_root, "var/lib/apt/lists/x_Packages"), "Package: linux-image-6.1.0-57-amd64\n");
        Text(Path.Combine(_root, TestRootAnswers.FilePath.TrimStart('/')), "{ not json");
        var root = new DirectorySystemRoot(_root);
        var backend = PackageBackend.Of(root);
        var log = new DiagnosticLog();
        // Not the root's own apt lists either: a damaged test root is not read as a host.
        Assert.Empty(backend.CachedKernelCandidates());
        Assert.Null(backend.Apt(new ProcessCommandRunner()).SimulateUpgrade(log));
        Assert.Equal(ErrorIds.TestRootAnswersInvalid, Assert.Single(log.Failures).ErrorId);
        Assert.Equal(new[] { "6.1.0-57-amd64" }, new CachedKernelCandidates(root).Read().Select(c => c.KernelVersion));
    }

    [Fact]
    public void NoCachesGiveNothing() => Assert.Empty(PackageBackend.Of(new DirectorySystemRoot(_root)).CachedKernelCandidates());
}
