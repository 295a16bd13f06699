using KmodPS.Core.Kernels;

namespace KmodPS.Core.Boot;

/// <summary>The kernel release in an image file name (<c>/boot/vmlinuz-6.1.0-56-amd64</c>).</summary>
internal static class KernelImageName
{
    private static readonly string[] Prefixes = { "vmlinuz-", "vmlinux-" };

    public static bool LooksLikeKernelImage(string path)
    {
        var name = FileName(path);
        return name is "vmlinuz" or "vmlinux" || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>The release after <c>vmlinuz-</c>; null for other names and for rescue images, whose release is not in the name.</summary>
    public static string? FromPath(string? path)
    {
        if (path is null)
        {
            return null;
        }
        var name = FileName(path);
        var prefix = Prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
        return prefix is null ? null : Validate(name[prefix.Length..]);
    }

    /// <summary>The release if it is a valid, non-rescue kernel release starting with a digit.</summary>
    public static string? Validate(string? release) =>
        KernelRelease.IsValid(release) && char.IsAsciiDigit(release![0]) && !IsRescue(release) ? release : null;

    /// <summary>True for the release-like names of rescue images (<c>0-rescue-&lt;machine-id&gt;</c>).</summary>
    public static bool IsRescue(string? text) =>
        text is not null && (text.StartsWith("0-rescue", StringComparison.Ordinal) || text.Contains("-0-rescue", StringComparison.Ordinal));

    private static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
