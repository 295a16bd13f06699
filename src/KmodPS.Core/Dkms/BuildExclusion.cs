using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace KmodPS.Core.Dkms;

/// <summary>
/// dkms's build_exclude rule (read_conf): a kernel whose release does not match BUILD_EXCLUSIVE_KERNEL, or whose
/// architecture does not match BUILD_EXCLUSIVE_ARCH (bash <c>=~</c>, unanchored), or whose .config lacks an option
/// BUILD_EXCLUSIVE_CONFIG names (or has one it names with <c>!</c>), is never built; dkms exits 77.
/// </summary>
public sealed record BuildExclusion(string Directive, string Pattern, string Excluded)
{
    /// <summary>
    /// The directive that excludes the kernel, or null when dkms would build for it. <paramref name="enabledOptions"/> are the
    /// options set to y or m in the kernel's .config; without them (like dkms without a .config) BUILD_EXCLUSIVE_CONFIG excludes nothing.
    /// </summary>
    public static BuildExclusion? Of(DkmsConf? conf, string kernel, IReadOnlySet<string>? enabledOptions = null)
    {
        if (conf?.BuildExclusiveKernel is { } release && !Matches(release, kernel))
        {
            return new BuildExclusion("BUILD_EXCLUSIVE_KERNEL", release, kernel);
        }
        var arch = ArchOf(kernel);
        if (conf?.BuildExclusiveArch is { } pattern && !Matches(pattern, arch))
        {
            return new BuildExclusion("BUILD_EXCLUSIVE_ARCH", pattern, arch);
        }
        if (conf?.BuildExclusiveConfig is not { } options || enabledOptions is null)
        {
            return null;
        }
        foreach (var option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var unwanted = option.StartsWith('!');
            if (enabledOptions.Contains(option.TrimStart('!')) == unwanted)
            {
                return new BuildExclusion("BUILD_EXCLUSIVE_CONFIG", options, $"{kernel} ({option.TrimStart('!')} is {(unwanted ? "set" : "not set")})");
            }
        }
        return null;
    }

    /// <summary>The options a kernel .config sets to y or m.</summary>
    public static IReadOnlySet<string> EnabledOptions(string config) => config.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.EndsWith("=y", StringComparison.Ordinal) || l.EndsWith("=m", StringComparison.Ordinal))
        .Select(l => l[..^2])
        .ToHashSet(StringComparer.Ordinal);

    public override string ToString() => $"{Directive}=\"{Pattern}\" excludes {Excluded}";

    /// <summary>The architecture dkms builds for on a kernel, from its release (EL's .x86_64, Debian's -amd64), else this machine's.</summary>
    public static string ArchOf(string kernel)
    {
        foreach (var arch in new[] { "x86_64", "aarch64", "ppc64le", "s390x" })
        {
            if (kernel.EndsWith("." + arch, StringComparison.Ordinal))
            {
                return arch;
            }
        }
        return kernel.EndsWith("-amd64", StringComparison.Ordinal) || kernel.EndsWith("-generic", StringComparison.Ordinal) ? "x86_64"
            : kernel.EndsWith("-arm64", StringComparison.Ordinal) ? "aarch64" : RuntimeInformation.OSArchitecture switch
            {
                Architecture.Arm64 => "aarch64",
                _ => "x86_64",
            };
    }

    // A pattern bash cannot compile does not exclude anything we could name: treat it as matching.
    private static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
