using System.Text.RegularExpressions;

namespace KmodPS.Core.Packages;

/// <summary>
/// Which Debian/Ubuntu packages belong to a kernel ABI, and which installed metapackages would pull a new ABI;
/// found from the dpkg database, never a fixed list.
/// </summary>
internal static partial class DebianKernelPackages
{
    /// <summary>
    /// The kernel release a versioned package carries: <c>linux-image-6.1.0-56-amd64</c> and
    /// <c>linux-modules-extra-5.15.0-91-generic</c> give the release; shared headers (<c>-common</c>) and
    /// unversioned packages give null.
    /// </summary>
    public static string? KernelVersionOf(string name)
    {
        var match = Versioned().Match(name);
        if (!match.Success)
        {
            return null;
        }
        var release = match.Groups["release"].Value;
        foreach (var suffix in new[] { "-unsigned", "-dbg", "-dbgsym" })
        {
            if (release.EndsWith(suffix, StringComparison.Ordinal))
            {
                release = release[..^suffix.Length];
            }
        }
        return release.Contains("-common", StringComparison.Ordinal) ? null : release;
    }

    /// <summary>True for a package tied to one ABI (<c>linux-image-6.1.0-56-amd64</c>, <c>linux-headers-6.1.0-56-common</c>).</summary>
    public static bool IsVersioned(string name) => Versioned().IsMatch(name);

    /// <summary>True for Debian/Ubuntu kernel packages and kernel metapackages (any <c>linux-image*</c>, <c>linux-headers*</c>, <c>linux-modules*</c>, ...).</summary>
    public static bool IsKernelName(string name) => KernelName().IsMatch(name);

    /// <summary>The ABI part of a release: <c>6.1.0-56</c> of <c>6.1.0-56-amd64</c>.</summary>
    public static string? Abi(string kernelVersion)
    {
        var match = AbiPart().Match(kernelVersion);
        return match.Success ? match.Value : null;
    }

    /// <summary>
    /// True for a package of one kernel release: a <c>linux-*</c> package whose name carries the release
    /// (<c>linux-image-&lt;k&gt;</c>, <c>linux-image-&lt;k&gt;-unsigned</c>, <c>linux-headers-&lt;k&gt;</c>,
    /// <c>linux-modules-nvidia-550-&lt;k&gt;</c>...). The ABI's shared headers and the metapackages are not the release's own.
    /// </summary>
    public static bool CarriesRelease(string name, string kernelVersion) => KernelVersionOf(name) == kernelVersion;

    /// <summary>True for the headers every flavour of the release's ABI shares (<c>linux-headers-6.1.0-56-common</c>, Ubuntu's <c>linux-headers-5.15.0-91</c>).</summary>
    public static bool IsSharedHeadersOf(string name, string kernelVersion) =>
        Abi(kernelVersion) is { } abi && (name == "linux-headers-" + abi || name.StartsWith("linux-headers-" + abi + "-common", StringComparison.Ordinal));

    /// <summary>
    /// The installed packages a lock of one kernel release holds: the packages carrying the release, plus the shared
    /// headers of its ABI (its headers package needs them, and an upgrade of them alone would change what modules build against).
    /// </summary>
    public static IReadOnlyList<DpkgPackage> OfRelease(IEnumerable<DpkgPackage> packages, string kernelVersion) =>
        packages.Where(p => p.IsInstalled && (CarriesRelease(p.Name, kernelVersion) || IsSharedHeadersOf(p.Name, kernelVersion)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Installed unversioned <c>linux-*</c> packages whose dependencies (directly or through other such packages)
    /// reach a versioned kernel package: <c>linux-image-amd64</c>, <c>linux-headers-amd64</c>, <c>linux-generic</c>,
    /// <c>linux-image-generic-hwe-22.04</c>. Upgrading them installs a new ABI.
    /// </summary>
    public static IReadOnlyList<DpkgPackage> Metapackages(IEnumerable<DpkgPackage> packages)
    {
        var installed = packages.Where(p => p.IsInstalled).GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var candidates = installed.Values.Where(p => p.Name.StartsWith("linux-", StringComparison.Ordinal) && !IsVersioned(p.Name)).ToList();
        var memo = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool PullsKernel(DpkgPackage package, HashSet<string> visiting)
        {
            if (memo.TryGetValue(package.Name, out var known))
            {
                return known;
            }
            if (!visiting.Add(package.Name))
            {
                return false;
            }
            var result = package.Depends.Any(d => d.StartsWith("linux-", StringComparison.Ordinal)
                && (IsVersioned(d) && KernelVersionOf(d) is not null
                    || !IsVersioned(d) && installed.TryGetValue(d, out var next) && PullsKernel(next, visiting)));
            memo[package.Name] = result;
            return result;
        }
        return candidates.Where(p => PullsKernel(p, new HashSet<string>(StringComparer.Ordinal))).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"^linux-[a-z0-9+.-]*?-(?<release>\d+\.\d+(\.\d+)*-\d+[a-z0-9+.~-]*)\z")]
    private static partial Regex Versioned();

    [GeneratedRegex(@"^linux-(image|headers|modules|signed|generic|virtual|lowlatency|kbuild|objects|buildinfo|cloud-tools|aws|azure|gcp|oracle|kvm|raspi|oem|hwe|ibm|nvidia|xilinx|lowlatency)")]
    private static partial Regex KernelName();

    [GeneratedRegex(@"^\d+\.\d+(\.\d+)*-\d+")]
    private static partial Regex AbiPart();
}
