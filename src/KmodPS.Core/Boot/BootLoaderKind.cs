namespace KmodPS.Core.Boot;

/// <summary>Which boot loader configuration decides the next boot of a root.</summary>
public enum BootLoaderKind
{
    /// <summary>No boot loader configuration was recognised, or more than one competes.</summary>
    Unknown,

    /// <summary>GRUB 2 with Boot Loader Specification entries (<c>/boot/loader/entries</c>, blscfg): RHEL, Fedora and derivatives.</summary>
    GrubBls,

    /// <summary>GRUB 2 whose generated <c>grub.cfg</c> holds the menu entries: Debian and Ubuntu (also <c>/boot/grub2/grub.cfg</c> without blscfg).</summary>
    GrubDebian,

    /// <summary>systemd-boot reading <c>loader/loader.conf</c>, type #1 entries and type #2 unified kernel images from the ESP.</summary>
    SystemdBoot,
}
