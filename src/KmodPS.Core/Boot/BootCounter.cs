using System.Globalization;

namespace KmodPS.Core.Boot;

/// <summary>
/// Boot counting suffixes of entry file names (<c>name+LEFT-DONE.conf</c>, <c>name+LEFT.efi</c>), as systemd-boot
/// parses them; tries are -1 when the name has no counter.
/// </summary>
internal static class BootCounter
{
    public static (int Left, int Done) Parse(string fileName, string suffix)
    {
        var plus = fileName.LastIndexOf('+');
        if (plus < 0 || !fileName.EndsWith(suffix, StringComparison.Ordinal))
        {
            return (-1, -1);
        }
        var counter = fileName[(plus + 1)..^suffix.Length];
        var parts = counter.Split('-');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var left))
        {
            return (-1, -1);
        }
        var done = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out done)))
        {
            return (-1, -1);
        }
        return (left, done);
    }

    /// <summary>The file name without the suffix and without a boot counter.</summary>
    public static string Strip(string fileName, string suffix)
    {
        var stem = fileName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? fileName[..^suffix.Length] : fileName;
        return Parse(fileName, suffix).Left >= 0 ? stem[..stem.LastIndexOf('+')] : stem;
    }
}
