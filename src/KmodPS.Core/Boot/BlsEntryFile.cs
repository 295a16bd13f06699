namespace KmodPS.Core.Boot;

/// <summary>
/// A Boot Loader Specification type #1 entry (<c>loader/entries/*.conf</c>): <c>key value</c> lines, <c>#</c> comments.
/// Keys may repeat (<c>initrd</c>): GRUB's blscfg takes the first value of a single-valued key (<see cref="Get"/>),
/// systemd-boot the last (<see cref="GetLast"/>).
/// </summary>
internal sealed class BlsEntryFile
{
    private readonly List<KeyValuePair<string, string>> _values;

    private BlsEntryFile(List<KeyValuePair<string, string>> values)
    {
        _values = values;
    }

    public static BlsEntryFile Parse(string text)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var separator = line.IndexOfAny(new[] { ' ', '\t' });
            if (separator <= 0)
            {
                continue;
            }
            values.Add(new(line[..separator], line[separator..].Trim()));
        }
        return new BlsEntryFile(values);
    }

    public string? Get(string key) => _values.FirstOrDefault(v => v.Key == key).Value;

    public string? GetLast(string key) => _values.LastOrDefault(v => v.Key == key).Value;
}
