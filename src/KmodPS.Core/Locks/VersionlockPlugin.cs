namespace KmodPS.Core.Locks;

/// <summary>
/// Whether the host's dnf 4 has the versionlock plugin (<c>dnf-plugins/versionlock.py</c> in a Python library
/// directory). dnf runs from the host even for an alternate root, so the host's plugin is the one that matters.
/// </summary>
public static class VersionlockPlugin
{
    /// <summary>The package to install, by distribution family naming.</summary>
    public const string PackageNames = "python3-dnf-plugin-versionlock (RHEL, Alma, Rocky, Fedora) or dnf-plugins-core (Debian, Ubuntu)";

    private static readonly string[] LibraryDirectories = { "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64" };

    /// <summary>True when a versionlock.py is found next to dnf's other plugins on this machine.</summary>
    public static bool IsInstalled()
    {
        foreach (var library in LibraryDirectories.Where(Directory.Exists))
        {
            IEnumerable<string> pythons;
            try
            {
                pythons = Directory.EnumerateDirectories(library, "python3*");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var python in pythons)
            {
                if (new[] { "site-packages", "dist-packages" }.Any(p => File.Exists(Path.Combine(python, p, "dnf-plugins", "versionlock.py"))))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>True when dnf's output says the command does not exist (the plugin is missing or was not loaded).</summary>
    public static bool IsMissingIn(string standardError) =>
        standardError.Contains("No such command: versionlock", StringComparison.Ordinal)
        || standardError.Contains("Unknown argument \"versionlock\"", StringComparison.Ordinal);
}
