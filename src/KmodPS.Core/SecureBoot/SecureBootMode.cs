namespace KmodPS.Core.SecureBoot;

/// <summary>Whether the booted system enforces signatures on kernel modules because of UEFI Secure Boot.</summary>
public enum SecureBootMode
{
    /// <summary>No efivars to read: a legacy BIOS boot, efivarfs not mounted, or a root that is not a running system.</summary>
    Unknown,

    /// <summary>Secure Boot is off, or shim validation was turned off with <c>mokutil --disable-validation</c>.</summary>
    Disabled,

    /// <summary>Secure Boot is on: the kernel loads only modules signed by a key it trusts.</summary>
    Enabled,
}
