using KmodPS.Locks;

namespace KmodPS.Planning;

/// <summary>The kernel releases an apt upgrade would install, from the packages its simulation lists.</summary>
public static class DebianUpgradeKernels
{
    /// <summary>
    /// Releases of the bootable images among <paramref name="packages"/> (<c>linux-image-6.1.0-57-amd64</c>,
    /// <c>linux-image-unsigned-5.15.0-91-generic</c>); debug-symbol images and metapackages are not kernels.
    /// </summary>
    public static IEnumerable<string> From(IEnumerable<string> packages) =>
        packages.Where(p => p.StartsWith("linux-image-", StringComparison.Ordinal)
                && !p.EndsWith("-dbg", StringComparison.Ordinal) && !p.EndsWith("-dbgsym", StringComparison.Ordinal))
            .Select(DebianKernelPackages.KernelVersionOf)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
}
