using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Locks;

/// <summary>Known ways a kernel lock silently does not do what it says; reported as warnings.</summary>
public static class LockTraps
{
    private static readonly string[] CommonKernelNames = { "kernel", "kernel-core", "kernel-modules", "kernel-modules-core", "kernel-modules-extra", "kernel-devel" };

    /// <param name="locking">True while adding a pin: dnf 5's installonly trap then matters even without existing pins, and
    /// the Debian metapackage trap does not (the pin holds the metapackages).</param>
    public static IEnumerable<string> Detect(LockSnapshot snapshot, bool locking)
    {
        var entries = snapshot.Entries;
        if (snapshot.Backend is LockBackend.Dnf4 or LockBackend.Dnf5 && (locking || entries.Count > 0))
        {
            var names = CommonKernelNames.Concat(snapshot.RpmPackages?.Where(p => RpmKernelPackages.IsKernelName(p.Name)).Select(p => p.Name) ?? Array.Empty<string>()).Distinct();
            foreach (var (file, pattern) in snapshot.Dnf.ExcludesMatching(names))
            {
                yield return $"{file} has exclude={pattern}, which matches kernel packages: dnf hides excluded packages before versionlock applies, so kernel locks do not act on them (and a pinned kernel cannot be reinstalled). Remove the exclude, or use Lock-Kernel -Exclude for the releases to keep out.";
            }
        }
        if (snapshot.Backend == LockBackend.Dnf5 && (locking || entries.Any(e => e.Store == LockStore.DnfVersionlockToml && e.Kind == KernelLockKind.Pin)))
        {
            var limit = snapshot.Dnf.InstallonlyLimit ?? 3;
            yield return $"dnf5 removes the oldest kernels beyond installonly_limit={limit} even when versionlock pins them (dnf5#2368): a pinned kernel can be removed when {limit} newer kernels are installed. Raise installonly_limit in /etc/dnf/dnf.conf or keep fewer kernels installed.";
        }
        if (!locking && snapshot.Stores.DpkgPackages is { } dpkg)
        {
            var heldVersioned = dpkg.Where(p => p.IsHeld && p.IsInstalled && DebianKernelPackages.KernelVersionOf(p.Name) is not null && p.Name.StartsWith("linux-image-", StringComparison.Ordinal)).ToList();
            var unheldMeta = DebianKernelPackages.Metapackages(dpkg).Where(p => !p.IsHeld).Select(p => p.Name).ToList();
            if (heldVersioned.Count > 0 && unheldMeta.Count > 0)
            {
                yield return $"{string.Join(", ", heldVersioned.Select(p => p.Name))} {(heldVersioned.Count == 1 ? "is" : "are")} held but {string.Join(", ", unheldMeta)} {(unheldMeta.Count == 1 ? "is" : "are")} not: upgrading a metapackage installs a new kernel ABI anyway. Hold them too (Lock-Kernel does) or use Lock-Kernel -Exclude for the ABI to keep out.";
            }
        }
    }
}
