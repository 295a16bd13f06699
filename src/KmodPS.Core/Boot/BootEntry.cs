namespace KmodPS.Core.Boot;

/// <summary>One boot menu entry.</summary>
/// <param name="Id">
/// The entry's id: a BLS id (file name without <c>.conf</c>), a GRUB menuentry id
/// (<c>gnulinux-6.1.0-56-amd64-advanced-&lt;uuid&gt;</c>) or a systemd-boot entry id (lower-case file name).
/// </param>
/// <param name="Title">The title the menu shows, if the entry has one.</param>
/// <param name="KernelVersion">The kernel release the entry boots; null when it boots no kernel or the release cannot be known.</param>
/// <param name="LinuxPath">The kernel image as the boot loader sees it (relative to the partition it reads), as written in the entry.</param>
/// <param name="Source">The file inside the root the entry was read from.</param>
public sealed record BootEntry(string Id, string? Title, string? KernelVersion, string? LinuxPath, string? Source)
{
    /// <summary>
    /// What selects this entry from the top of the menu: for an entry inside a GRUB submenu the ids joined by <c>&gt;</c>
    /// (<c>gnulinux-advanced-&lt;uuid&gt;&gt;gnulinux-6.1.0-55-amd64-advanced-&lt;uuid&gt;</c>, the form
    /// <c>grub-set-default</c> and <c>grub-reboot</c> need); otherwise the same as <see cref="Id"/>.
    /// </summary>
    public string MenuPath { get; init; } = Id;

    /// <summary>True for rescue and recovery-mode entries.</summary>
    public bool IsRecovery { get; init; }
}
