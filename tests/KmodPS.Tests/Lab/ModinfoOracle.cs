namespace KmodPS.Tests.Lab;

/// <summary>Runs the real modinfo on many files at once and splits its output into one field map per file.</summary>
public static class ModinfoOracle
{
    private const int FilesPerCall = 400;

    public static Dictionary<string, Dictionary<string, string>> Read(IReadOnlyList<string> files)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        for (var start = 0; start < files.Count; start += FilesPerCall)
        {
            var batch = files.Skip(start).Take(FilesPerCall).ToArray();
            Parse(Shell.Stdout("/sbin/modinfo", batch), result);
        }
        return result;
    }

    private static void Parse(string text, Dictionary<string, Dictionary<string, string>> into)
    {
        Dictionary<string, string>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '\t')
            {
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon];
            var value = line[(colon + 1)..].TrimStart();
            if (key == "filename")
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                into[value] = current;
                continue;
            }
            current?.TryAdd(key, value);
        }
    }
}
