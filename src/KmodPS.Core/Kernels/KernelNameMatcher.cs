namespace KmodPS.Core.Kernels;

/// <summary>
/// Finds an installed kernel by the name an admin types: the exact release, or the RPM version-release without
/// the architecture (<c>5.14.0-611.41.1.el9_7</c> for <c>5.14.0-611.41.1.el9_7.x86_64</c>), as grubby and dnf print it.
/// </summary>
internal static class KernelNameMatcher
{
    public static string? Match(IEnumerable<string> installed, string name)
    {
        var kernels = installed.ToList();
        if (kernels.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }
        var withArch = kernels.Where(k => k.StartsWith(name + ".", StringComparison.Ordinal) && !k[(name.Length + 1)..].Contains('-')).ToList();
        return withArch.Count == 1 ? withArch[0] : null;
    }
}
