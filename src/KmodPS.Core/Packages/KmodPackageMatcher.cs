
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Packages;

/// <summary>
/// Finds the repository's kmod package for a kernel (used by Test-KernelUpdate and Repair-KernelModule): kmodtool/RPM
/// Fusion/ELRepo style <c>Requires: kernel-uname-r = &lt;k&gt;</c> (or kernel-core-uname-r, <c>kernel = V-R</c>),
/// or NVIDIA's precompiled stream named <c>kmod-nvidia-&lt;drv&gt;-&lt;V-R&gt;</c>.
/// </summary>
internal static class KmodPackageMatcher
{
    /// <summary>The newest package named <paramref name="stem"/> (or <c>stem-*</c>, or providing <c>kmod(name.ko)</c>) built for the kernel.</summary>
    public static RepositoryPackage? Find(IEnumerable<RepositoryPackage> available, string stem, string moduleName, string kernel) =>
        available
            .Where(p => p.Name == stem || p.Name.StartsWith(stem + "-", StringComparison.Ordinal) || ProvidesModule(p, moduleName))
            .Where(p => BuiltFor(p, kernel))
            .OrderBy(p => p.Version + "-" + p.Release, KernelVersionComparer.Instance)
            .LastOrDefault();

    public static bool BuiltFor(RepositoryPackage package, string kernel)
    {
        var bare = KernelRelease.WithoutArch(kernel);
        return package.Requires.Any(r => r == $"kernel-uname-r = {kernel}" || r == $"kernel-core-uname-r = {kernel}" || r == $"kernel = {bare}" || r == $"kernel-core = {bare}"
                || r.StartsWith($"(kernel = {bare}", StringComparison.Ordinal) || r.StartsWith($"(kernel-core = {bare}", StringComparison.Ordinal))
            || package.Name.EndsWith("-" + bare, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when dnf installs the package beside other versions instead of upgrading the installed one: it provides
    /// <c>installonlypkg(...)</c> (dnf's default installonlypkgs), or a name the root's dnf.conf adds to installonlypkgs.
    /// </summary>
    public static bool IsInstallOnly(RepositoryPackage package, IEnumerable<string>? configured = null)
    {
        var extra = (configured ?? Array.Empty<string>()).ToHashSet(StringComparer.Ordinal);
        return package.Provides.Any(p => p.StartsWith("installonlypkg(", StringComparison.Ordinal) || p.StartsWith("multiversion(", StringComparison.Ordinal)
                || extra.Contains(p.Split(' ')[0]))
            || extra.Contains(package.Name);
    }

    private static bool ProvidesModule(RepositoryPackage package, string moduleName) =>
        package.Provides.Any(x => x.StartsWith($"kmod({moduleName}.ko)", StringComparison.Ordinal) || x.StartsWith($"kmod({moduleName.Replace('_', '-')}.ko)", StringComparison.Ordinal));
}
