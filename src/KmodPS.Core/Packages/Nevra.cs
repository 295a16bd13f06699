
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Packages;

/// <summary>Splits an RPM NEVRA (<c>name-version-release.arch</c>); Debian package names pass through unchanged.</summary>
internal static class Nevra
{
    public static string Name(string package)
    {
        if (KernelRelease.Arch(package) is null)
        {
            return package;
        }
        var withoutArch = KernelRelease.WithoutArch(package);
        var release = withoutArch.LastIndexOf('-');
        var version = release > 0 ? withoutArch.LastIndexOf('-', release - 1) : -1;
        return version > 0 ? withoutArch[..version] : package;
    }
}
