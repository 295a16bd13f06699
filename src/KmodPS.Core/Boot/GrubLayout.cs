namespace KmodPS.Core.Boot;

/// <summary>Where one GRUB installation keeps its files, and which of GRUB's default-matching orders it uses.</summary>
/// <param name="ConfigPath">The <c>grub.cfg</c> GRUB runs, inside the root; null when none was found.</param>
/// <param name="EnvironmentPath">The <c>grubenv</c> it loads; null when none was found.</param>
/// <param name="IdFirst">True for the RHEL/Fedora GRUB, which matches ids before titles before numbers.</param>
internal sealed record GrubLayout(BootLoaderKind Kind, string? ConfigPath, string? EnvironmentPath, bool IdFirst);
