namespace KmodPS.Core.Boot;

/// <summary>A systemd-boot menu entry with the fields its sort order uses.</summary>
internal sealed record SystemdBootEntry(
    BootEntry Entry,
    string? SortKey,
    string? MachineId,
    string? Version,
    int TriesLeft,
    int TriesDone)
{
    /// <summary>The id patterns and entry variables are matched against: the lower-case file name.</summary>
    public string Id => Entry.Id;
}
