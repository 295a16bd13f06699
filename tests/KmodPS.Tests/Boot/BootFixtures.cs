using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Boot;

/// <summary>
/// The system roots under tests/fixtures/boot. They are written by tests/fixtures/boot/make-fixtures.sh: grubenv files
/// with the real <c>grub-editenv &lt;file&gt; create</c> and <c>grub-editenv &lt;file&gt; set saved_entry=... next_entry=...</c>
/// (grub-common 2.06), EFI variables as 4 attribute bytes plus NUL-terminated UTF-16LE, the Debian grub.cfg from a
/// Debian 12 machine's grub-mkconfig.
/// </summary>
internal static class BootFixtures
{
    public const string RhelMachineId = "7d5f3e1a9c2b4e6f8a0b1c2d3e4f5a6b";
    public const string DebianUuid = "92a0b02e-789d-4898-a0a5-13e665d51033";
    public const string SdBootMachineId = "3c9e2f7a1b8d4c5e9f0a1b2c3d4e5f60";

    public static DirectorySystemRoot Root(string name) => new(RepoPaths.Fixture("boot", name));

    public static NextBootResolver Resolver(string name) => new(Root(name));

    public static (NextBoot Next, DiagnosticLog Log) Resolve(string name)
    {
        var log = new DiagnosticLog();
        return (Resolver(name).Resolve(log), log);
    }

    public static string RhelId(string kernel) => $"{RhelMachineId}-{kernel}";
}
