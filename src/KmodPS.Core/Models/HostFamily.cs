namespace KmodPS.Core.Models;

/// <summary>The distribution family, which decides the package manager and bootloader tooling.</summary>
public enum HostFamily
{
    Unknown,
    RedHat,
    Debian,
    Suse,
}
