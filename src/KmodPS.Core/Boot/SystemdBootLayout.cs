using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Where systemd-boot's files are: the ESP (mounted at <c>/efi</c>, <c>/boot/efi</c> or <c>/boot</c>) holding
/// <c>loader/loader.conf</c>, and every one of those directories holding entries (the ESP and an XBOOTLDR
/// partition at <c>/boot</c>).
/// </summary>
internal sealed class SystemdBootLayout
{
    private static readonly string[] Candidates = { "/efi", "/boot/efi", "/boot" };

    private SystemdBootLayout(string? loaderConf, IReadOnlyList<string> partitions, bool hasBootloaderBinary)
    {
        LoaderConf = loaderConf;
        Partitions = partitions;
        HasBootloaderBinary = hasBootloaderBinary;
    }

    /// <summary>The <c>loader.conf</c> inside the root, or null.</summary>
    public string? LoaderConf { get; }

    /// <summary>Directories whose <c>loader/entries</c> and <c>EFI/Linux</c> systemd-boot reads.</summary>
    public IReadOnlyList<string> Partitions { get; }

    /// <summary>True when an ESP carries <c>EFI/systemd/systemd-boot*.efi</c>.</summary>
    public bool HasBootloaderBinary { get; }

    /// <summary>True when systemd-boot is installed: a <c>loader.conf</c> or its binary on an ESP.</summary>
    public bool IsInstalled => LoaderConf is not null || HasBootloaderBinary;

    public static SystemdBootLayout Find(ISystemRoot root)
    {
        var loaderConf = Candidates.Select(c => TreePath.Combine(c, "loader/loader.conf")).FirstOrDefault(root.FileExists);
        var binary = Candidates.Any(c => root.ListDirectory(TreePath.Combine(c, "EFI/systemd"))
            .Any(n => n.StartsWith("systemd-boot", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".efi", StringComparison.OrdinalIgnoreCase)));
        var partitions = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in Candidates)
        {
            if (!root.DirectoryExists(TreePath.Combine(candidate, "loader/entries")) && !root.DirectoryExists(TreePath.Combine(candidate, "EFI/Linux")))
            {
                continue;
            }
            if (seen.Add(root.ResolvePath(candidate) ?? candidate))
            {
                partitions.Add(candidate);
            }
        }
        return new SystemdBootLayout(loaderConf, partitions, binary);
    }
}
