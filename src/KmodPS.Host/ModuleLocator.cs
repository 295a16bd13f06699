namespace KmodPS.Host;

/// <summary>Finds KmodPS.psd1: --module, then $KMODPS_MODULE, then the nearest KmodPS.psd1 above the runner.</summary>
internal static class ModuleLocator
{
    public const string ManifestName = "KmodPS.psd1";

    public static string? Find(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }
        if (Environment.GetEnvironmentVariable("KMODPS_MODULE") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ManifestName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
