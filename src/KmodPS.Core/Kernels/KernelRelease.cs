using System.Text.RegularExpressions;

namespace KmodPS.Core.Kernels;

/// <summary>Kernel releases written with or without the RPM architecture suffix (<c>.x86_64</c>): the one place that strips, finds and compares it.</summary>
public static partial class KernelRelease
{
    /// <summary>
    /// True when the string is a kernel release (<c>uname -r</c> form): it starts with its version (<c>6.1</c>, as every
    /// kernel since 3.0 does) and has only safe characters. So <c>amd64</c>, <c>6</c> or <c>-q</c> are not releases on
    /// any family, and nothing valid can be taken for a tool's option.
    /// </summary>
    public static bool IsValid(string? release) => HasSafeCharacters(release) && ReleaseShape().IsMatch(release!);

    /// <summary>True when the string is non-empty, not an option (<c>-q</c>) and made only of the characters a release may have.</summary>
    public static bool HasSafeCharacters(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 200 && SafeCharacters().IsMatch(text) && !text.StartsWith('-') && text != "." && text != "..";

    [GeneratedRegex(@"^[A-Za-z0-9._+~-]+\z")]
    private static partial Regex SafeCharacters();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+")]
    private static partial Regex ReleaseShape();

    private static readonly string[] Arches = { "x86_64", "aarch64", "ppc64le", "s390x", "i686", "armv7hl", "noarch" };

    /// <summary>The release without a trailing <c>.x86_64</c>-style architecture (or <c>.*</c>).</summary>
    public static string WithoutArch(string release)
    {
        var dot = release.LastIndexOf('.');
        if (dot > 0 && (release[(dot + 1)..] == "*" || Arches.Contains(release[(dot + 1)..])))
        {
            return release[..dot];
        }
        return release;
    }

    /// <summary>The architecture suffix, or null.</summary>
    public static string? Arch(string release)
    {
        var dot = release.LastIndexOf('.');
        return dot > 0 && Arches.Contains(release[(dot + 1)..]) ? release[(dot + 1)..] : null;
    }

    /// <summary>True when both name the same release; an architecture on only one side is ignored.</summary>
    public static bool Same(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return false;
        }
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }
        var archA = Arch(a);
        var archB = Arch(b);
        if (archA is not null && archB is not null && archA != archB)
        {
            return false;
        }
        return string.Equals(WithoutArch(a), WithoutArch(b), StringComparison.Ordinal);
    }
}
