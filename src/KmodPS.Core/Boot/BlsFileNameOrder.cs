
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Boot;

/// <summary>
/// The order GRUB's blscfg (RHEL 8/9, Fedora) gives BLS entries: their ids split like an rpm NVR at the last two
/// dashes (<c>&lt;machine-id&gt;-5.14.0-611.41.1.el9_7.x86_64</c> gives name, version, release), each part compared
/// rpm-style, newest first. The rescue entry <c>&lt;machine-id&gt;-0-rescue</c> (version 0) sorts last.
/// Parts are compared with <see cref="KernelVersionComparer"/>.
/// </summary>
internal sealed class BlsFileNameOrder : IComparer<string>
{
    public static BlsFileNameOrder NewestFirst { get; } = new();

    public int Compare(string? x, string? y) => -CompareAscending(x ?? string.Empty, y ?? string.Empty);

    private static int CompareAscending(string x, string y)
    {
        var (xName, xVersion, xRelease) = Split(x);
        var (yName, yVersion, yRelease) = Split(y);
        var order = KernelVersionComparer.Instance.Compare(xName, yName);
        if (order == 0)
        {
            order = KernelVersionComparer.Instance.Compare(xVersion, yVersion);
        }
        if (order == 0)
        {
            order = KernelVersionComparer.Instance.Compare(xRelease, yRelease);
        }
        return order;
    }

    // grub's split_package_string with a name: release after the last dash, version after the one before, the rest is the name;
    // missing parts bubble up towards the name.
    private static (string Name, string Version, string Release) Split(string id)
    {
        string? release = null, version = null;
        var rest = id;
        var dash = rest.LastIndexOf('-');
        if (dash >= 0)
        {
            release = rest[(dash + 1)..];
            rest = rest[..dash];
        }
        dash = rest.LastIndexOf('-');
        if (dash >= 0)
        {
            version = rest[(dash + 1)..];
            rest = rest[..dash];
        }
        string? name = rest;
        if (version is null)
        {
            version = release;
            release = null;
        }
        return (name, version ?? string.Empty, release ?? string.Empty);
    }
}
