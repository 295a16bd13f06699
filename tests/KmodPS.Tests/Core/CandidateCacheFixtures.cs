using System.IO.Compression;
using System.Text;

namespace KmodPS.Tests.Core;

/// <summary>Writes small package-manager caches into a tree: an apt Packages list and dnf primary.xml files.</summary>
public static class CandidateCacheFixtures
{
    /// <summary>A Debian bookworm list: two kernel ABIs, their -dbg and -unsigned packages, metapackages and headers.</summary>
    public const string DebianPackages = """
        Package: linux-headers-6.1.0-57-amd64
        Version: 6.1.195-1
        Architecture: amd64

        Package: linux-image-6.1.0-57-amd64
        Source: linux-signed-amd64 (6.1.195+1)
        Version: 6.1.195-1
        Architecture: amd64
        Description: Linux 6.1 for 64-bit PCs (signed)
        Depends: kmod, linux-base (>= 4.3~)

        Package: linux-image-6.1.0-57-amd64-dbg
        Source: linux
        Version: 6.1.195-1

        Package: linux-image-6.1.0-57-amd64-unsigned
        Source: linux
        Version: 6.1.195-1

        Package: linux-image-amd64
        Source: linux-signed-amd64 (6.1.195+1)
        Version: 6.1.195-1
        Depends: linux-image-6.1.0-57-amd64 (= 6.1.195-1)

        Package: linux-image-6.1.0-58-cloud-amd64
        Version: 6.1.196-1

        Package: linux-image-cloud-amd64
        Version: 6.1.196-1

        Package: linux-image-6.1.0-56-amd64
        Version: 6.1.192-2
        Description: an image installed already
          Package: linux-image-9.9.9-9-amd64 (a continuation line, not a stanza)

        """;

    /// <summary>One primary.xml package element (with a format block naming kernel packages, which must not count).</summary>
    public static string RpmPackage(string name, string arch, string version, string release) => $"""
          <package type="rpm">
            <name>{name}</name>
            <arch>{arch}</arch>
            <version epoch="0" ver="{version}" rel="{release}"/>
            <checksum type="sha256" pkgid="YES">0123</checksum>
            <summary>The Linux kernel</summary>
            <format>
              <rpm:license>GPL-2.0-only</rpm:license>
              <rpm:provides>
                <rpm:entry name="kernel-core" flags="EQ" epoch="0" ver="9.9.9" rel="9.el9"/>
                <rpm:entry name="kernel-uname-r" flags="EQ" epoch="0" ver="{version}-{release}.{arch}"/>
              </rpm:provides>
              <file>/boot/vmlinuz-{version}-{release}.{arch}</file>
            </format>
          </package>
        """;

    public static string Primary(params string[] packages) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="{packages.Length}">
        {string.Concat(packages)}</metadata>
        """;

    public static void Text(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public static void Gzip(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }
}
