namespace KmodPS.Core.Boot;

/// <summary>
/// What changing the boot default needs to know about a root's boot loader: its kind, GRUB's environment block
/// and GRUB_DEFAULT (with the file that sets it; null when no file sets it), or systemd-boot's loader.conf.
/// </summary>
internal sealed record BootLoaderSetup(BootLoaderKind Kind, string? GrubEnvironmentPath, string? GrubDefault, string? GrubDefaultSource, string? LoaderConfPath)
{
    /// <summary>The grub.cfg GRUB runs, inside the root; null when none was found.</summary>
    public string? GrubConfigPath { get; init; }

    /// <summary>The default compiled into that grub.cfg (<c>${saved_entry}</c> for GRUB_DEFAULT=saved); null without one.</summary>
    public string? CompiledDefault { get; init; }

    /// <summary>
    /// GRUB honours saved_entry only with GRUB_DEFAULT=saved, as compiled into the grub.cfg it runs (what
    /// /etc/default/grub says counts only without a grub.cfg: it may have changed since grub-mkconfig last ran).
    /// </summary>
    public bool GrubDefaultIsSaved => CompiledDefault is { } compiled ? GrubConfigHeader.IsSavedEntry(compiled) : GrubDefault == "saved";

    /// <summary>
    /// Neither a grub.cfg nor a GRUB_DEFAULT: no file says which entry GRUB boots by default, so a saved default could
    /// not be read back (the next-boot reader falls back to grub-mkconfig's own default, 0).
    /// </summary>
    public bool GrubDefaultUnknown => Kind is BootLoaderKind.GrubBls or BootLoaderKind.GrubDebian && CompiledDefault is null && GrubDefault is null;
}
