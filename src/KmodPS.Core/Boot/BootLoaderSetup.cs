namespace KmodPS.Boot;

/// <summary>
/// What changing the boot default needs to know about a root's boot loader: its kind, GRUB's environment block
/// and GRUB_DEFAULT (with the file that sets it), or systemd-boot's loader.conf.
/// </summary>
public sealed record BootLoaderSetup(BootLoaderKind Kind, string? GrubEnvironmentPath, string? GrubDefault, string? GrubDefaultSource, string? LoaderConfPath)
{
    /// <summary>GRUB honours saved_entry only with GRUB_DEFAULT=saved; RHEL's BLS setup sets it by default.</summary>
    public bool GrubDefaultIsSaved => GrubDefault == "saved";
}
