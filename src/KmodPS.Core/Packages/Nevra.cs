namespace KmodPS.Packages;

/// <summary>Splits an RPM NEVRA (<c>name-version-release.arch</c>); Debian package names pass through unchanged.</summary>
public static class Nevra
{
    private static readonly string[] Arches = { "x86_64", "aarch64", "ppc64le", "s390x", "noarch", "i686", "armv7hl" };

    public static string Name(string package)
    {
        var dot = package.LastIndexOf('.');
        if (dot < 0 || !Arches.Contains(package[(dot + 1)..]))
        {
            return package;
        }
        var withoutArch = package[..dot];
        var release = withoutArch.LastIndexOf('-');
        var version = release > 0 ? withoutArch.LastIndexOf('-', release - 1) : -1;
        return version > 0 ? withoutArch[..version] : package;
    }
}
