using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace KmodPS.Core.Dkms;

/// <summary>
/// dkms's build_exclude rule (read_conf): a kernel whose release does not match BUILD_EXCLUSIVE_KERNEL, or whose
/// architecture does not match BUILD_EXCLUSIVE_ARCH (bash <c>=~</c>, unanchored), is never built; dkms exits 77.
/// </summary>
public sealed record BuildExclusion(string Directive, string Pattern, string Excluded)
{
    /// <summary>The directive that excludes the kernel, or null when dkms would build for it.</summary>
    public static BuildExclusion? Of(DkmsConf? conf, string kernel)
    {
        if (conf?.BuildExclusiveKernel is { } release && !Matches(release, kernel))
        {
            return new BuildExclusion("BUILD_EXCLUSIVE_KERNEL", release, kernel);
        }
        var arch = ArchOf(kernel);
        return conf?.BuildExclusiveArch is { } pattern && !Matches(pattern, arch) ? new BuildExclusion("BUILD_EXCLUSIVE_ARCH", pattern, arch) : null;
    }

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
