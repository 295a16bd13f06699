using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;

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
    public void ListEntriesTellsDirectoriesFilesAndLinksApartAsTheExistsChecksDo()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-entries-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "boot", "dir"));
            File.WriteAllText(Path.Combine(root, "boot", "file"), "x");
            File.CreateSymbolicLink(Path.Combine(root, "boot", "link"), "/boot/file");
            File.CreateSymbolicLink(Path.Combine(root, "boot", "dangling"), "/nowhere");
            Shell.Stdout("mkfifo", Path.Combine(root, "boot", "fifo"));
            var system = new DirectorySystemRoot(root);
            var entries = system.ListEntries("/boot").ToDictionary(e => e.Name, e => e.Kind);
            Assert.Equal(new[] { "dangling", "dir", "fifo", "file", "link" }, entries.Keys);
            Assert.Equal(new[] { RootEntryKind.Link, RootEntryKind.Directory, RootEntryKind.File, RootEntryKind.File, RootEntryKind.Link }, entries.Values);
            foreach (var (name, kind) in entries.Where(e => e.Value != RootEntryKind.Link))
            {
                Assert.Equal(kind == RootEntryKind.Directory, system.DirectoryExists("/boot/" + name));
                Assert.Equal(kind == RootEntryKind.File, system.FileExists("/boot/" + name));
            }
            Assert.Empty(system.ListEntries("/missing"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void AOneReadViewAnswersEveryPathAsTheRootDoes()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-view-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "usr", "lib", "modules", "6.1", "updates"));
            File.WriteAllText(Path.Combine(root, "usr", "lib", "modules", "6.1", "updates", "a.ko"), "x");
            Directory.CreateDirectory(Path.Combine(root, "usr", "src", "headers"));
            File.CreateSymbolicLink(Path.Combine(root, "lib"), "usr/lib");
            File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "modules", "6.1", "build"), "/usr/src/headers");
            File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "modules", "6.1", "up"), "../6.1/updates");
            File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "modules", "6.1", "with-root"), root + "/usr/src");
            File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "modules", "6.1", "loop"), "loop2");
            File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "modules", "6.1", "loop2"), "loop");
            Shell.Stdout("mkfifo", Path.Combine(root, "usr", "lib", "modules", "6.1", "fifo.ko"));
            // A DKMS tree: kernel-<k>-<arch> links to its build, a link to a link, a loop across two directories, a
            // dangling link, and chains of 40 links (followed) and 41 (a loop, as the kernel's limit has it).
            var dkms = Path.Combine(root, "var", "lib", "dkms", "m");
            Directory.CreateDirectory(Path.Combine(dkms, "1.0", "6.1", "x86_64", "module"));
            File.WriteAllText(Path.Combine(dkms, "1.0", "6.1", "x86_64", "module", "m.ko"), "x");
            File.CreateSymbolicLink(Path.Combine(dkms, "kernel-6.1-x86_64"), "1.0/6.1/x86_64");
            File.CreateSymbolicLink(Path.Combine(dkms, "again"), "kernel-6.1-x86_64");
            File.CreateSymbolicLink(Path.Combine(dkms, "a"), "b/x");
            File.CreateSymbolicLink(Path.Combine(dkms, "b"), "a/y");
            File.CreateSymbolicLink(Path.Combine(dkms, "gone"), "1.0/nowhere");
            foreach (var (chain, length) in new[] { ("c", 40), ("d", 41) })
            {
                for (var i = 0; i < length; i++)
                {
                    File.CreateSymbolicLink(Path.Combine(dkms, $"{chain}{i}"), i == length - 1 ? "1.0/6.1/x86_64/module/m.ko" : $"{chain}{i + 1}");
                }
            }
            // Link targets of 2,000 components (a hostile root; about the most a 4 KiB target holds): resolved as the
            // plain root does, without exhausting the stack.
            var deep = string.Join('/', Enumerable.Repeat("d", 2000));
            Directory.CreateDirectory(Path.Combine(dkms, deep));
            File.WriteAllText(Path.Combine(dkms, deep, "f"), "x");
            File.CreateSymbolicLink(Path.Combine(dkms, "deep"), deep + "/f");
            File.CreateSymbolicLink(Path.Combine(dkms, "deeper"), "/var/lib/dkms/m/deep");
            var plain = new DirectorySystemRoot(root);
            var view = plain.ForOneRead();
            var paths = new[]
            {
                "/lib/modules/6.1", "/lib/modules/6.1/updates/a.ko", "/lib/modules/6.1/build", "/lib/modules/6.1/build/..", "/lib/modules/6.1/up/a.ko",
                "/lib/modules/6.1/up/../../../../../etc", "/lib/modules/6.1/with-root/headers", "/lib/modules/6.1/loop", "/lib/modules/6.1/loop/x",
                "/lib/modules/6.1/fifo.ko", "/lib/modules/6.1/missing/a.ko", "/lib/modules/6.1/updates/a.ko/x", "/", "/lib",
                "/var/lib/dkms/m", "/var/lib/dkms/m/1.0/6.1", "/var/lib/dkms/m/kernel-6.1-x86_64", "/var/lib/dkms/m/again/module/m.ko", "/var/lib/dkms/m/a", "/var/lib/dkms/m/a/z",
                "/var/lib/dkms/m/gone", "/var/lib/dkms/m/c0", "/var/lib/dkms/m/d0", "/var/lib/dkms/m/deep", "/var/lib/dkms/m/deeper", "/var/lib/dkms/m/kernel-6.1-x86_64/module/../../../6.1",
            };
            // Twice, the second time after listings: what the view remembers must not change an answer.
            foreach (var pass in new[] { 1, 2 })
            {
                foreach (var path in paths)
                {
                    Assert.Equal(plain.ResolvePath(path), view.ResolvePath(path));
                    Assert.Equal(plain.FileExists(path), view.FileExists(path));
                    Assert.Equal(plain.DirectoryExists(path), view.DirectoryExists(path));
                    Assert.Equal(plain.IsSymbolicLink(path), view.IsSymbolicLink(path));
                    Assert.Equal(plain.ReadLink(path), view.ReadLink(path));
                    Assert.Equal(plain.ListEntries(path), view.ListEntries(path));
                }
            }
            Assert.Equal("/usr/src/headers", view.ResolvePath("/lib/modules/6.1/with-root/headers"));
            Assert.Null(view.ResolvePath("/lib/modules/6.1/loop"));
            Assert.Equal("/var/lib/dkms/m/1.0/6.1/x86_64/module/m.ko", view.ResolvePath("/var/lib/dkms/m/c0"));
            Assert.Null(view.ResolvePath("/var/lib/dkms/m/d0"));
            Assert.Null(view.ResolvePath("/var/lib/dkms/m/a"));
            Assert.Equal($"/var/lib/dkms/m/{deep}/f", view.ResolvePath("/var/lib/dkms/m/deep"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void DotDotCannotEscapeTheRoot() =>
        Assert.Equal("/etc/os-release", _debian.ResolvePath("/../../../etc/os-release"));

    [Fact]
    public void MapsPathsUnderTheRoot() =>
        Assert.Equal(RepoPaths.Fixture("roots", "debian-merged") + "/boot", _debian.MapPath("/boot"));
}
