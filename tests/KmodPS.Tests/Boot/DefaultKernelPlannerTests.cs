using KmodPS.Core.Boot;

namespace KmodPS.Tests.Boot;

public sealed class DefaultKernelPlannerTests
{
    private const string Kernel = "5.14.0-611.41.1.el9_7.x86_64";
    private static readonly BootEntry BlsEntry = new("abc-" + Kernel, "AlmaLinux", Kernel, "/vmlinuz-" + Kernel, "/boot/loader/entries/abc-" + Kernel + ".conf");
    private static readonly BootEntry DebianEntry = new("gnulinux-6.1.0-55-amd64-advanced-U", "Debian", "6.1.0-55-amd64", "/boot/vmlinuz-6.1.0-55-amd64", "/boot/grub/grub.cfg")
    {
        MenuPath = "gnulinux-advanced-U>gnulinux-6.1.0-55-amd64-advanced-U",
    };

    private static readonly Dictionary<string, string> AllTools = new[] { "grubby", "grub2-editenv", "grub-editenv", "grub-set-default", "grub-reboot", "update-grub", "grub2-mkconfig", "bootctl" }
        .ToDictionary(t => t, t => "/usr/sbin/" + t);

    [Fact]
    public void RhelHostUsesGrubby()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: false, host: true);
        var command = Assert.Single(plan.Commands);
        Assert.Equal(new[] { "--set-default", "/boot/vmlinuz-" + Kernel }, command.Arguments);
        Assert.EndsWith("grubby", command.FileName);
    }

    [Fact]
    public void RhelRootEditsItsOwnGrubenvAndClearsAPendingOneShot()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: false, host: false);
        Assert.Equal(new[] { "/w/boot/grub2/grubenv unset next_entry", "/w/boot/grub2/grubenv set saved_entry=abc-" + Kernel },
            plan.Commands.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal(new[] { "/boot/grub2/grubenv" }, plan.Touches);
    }

    [Fact]
    public void OnceSetsNextEntry()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: true, host: false);
        Assert.Equal("/w/boot/grub2/grubenv set next_entry=abc-" + Kernel, string.Join(' ', Assert.Single(plan.Commands).Arguments));
    }

    [Fact]
    public void DebianUsesGrubSetDefaultWithTheSubmenuPathAndTheRootsBootDirectory()
    {
        var plan = Plan(DebianEntry, "6.1.0-55-amd64", Debian("saved"), once: false, host: false);
        var command = Assert.Single(plan.Commands);
        Assert.EndsWith("grub-set-default", command.FileName);
        Assert.Equal(new[] { "--boot-directory=/w/boot", "gnulinux-advanced-U>gnulinux-6.1.0-55-amd64-advanced-U" }, command.Arguments);
        Assert.EndsWith("grub-reboot", Assert.Single(Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: true, host: true).Commands).FileName);
    }

    [Fact]
    public void DebianWithoutSavedDefaultRefusesUnlessForced()
    {
        var refused = Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusal?.ErrorId);
        Assert.Empty(refused.Commands);
        var forced = Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: false, host: true, force: true, text: "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\n");
        var edit = Assert.Single(forced.Edits);
        Assert.Equal("GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\n", edit.NewContent);
        Assert.Equal(new[] { "update-grub", "grub-set-default" }, forced.Commands.Select(c => Path.GetFileName(c.FileName)));
        Assert.Contains("/etc/default/grub", forced.Touches);
    }

    [Fact]
    public void RhelWithoutSavedDefaultRefusesUnlessForcedAndOnceStillWorks()
    {
        var notSaved = Bls() with { GrubDefault = "0" };
        var refused = Plan(BlsEntry, Kernel, notSaved, once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusal?.ErrorId);
        Assert.Contains("run grub2-mkconfig -o /boot/grub2/grub.cfg", refused.Refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(refused.Commands);

        var forced = Plan(BlsEntry, Kernel, notSaved, once: false, host: true, force: true, text: "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\nGRUB_ENABLE_BLSCFG=true\n");
        Assert.Equal("GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_ENABLE_BLSCFG=true\n", Assert.Single(forced.Edits).NewContent);
        Assert.Equal(new[] { "grub2-mkconfig -o /boot/grub2/grub.cfg", "grubby --set-default /boot/vmlinuz-" + Kernel },
            forced.Commands.Select(c => Path.GetFileName(c.FileName) + " " + string.Join(' ', c.Arguments)));
        Assert.Equal(new[] { "/boot/grub2/grubenv", "/etc/default/grub", "/boot/grub2/grub.cfg" }, forced.Touches);

        var efi = Plan(BlsEntry, Kernel, notSaved with { GrubConfigPath = "/boot/efi/EFI/almalinux/grub.cfg" }, once: false, host: true, force: true, text: "GRUB_DEFAULT=0\n");
        Assert.Equal("-o /boot/efi/EFI/almalinux/grub.cfg", string.Join(' ', efi.Commands[0].Arguments));
        Assert.Contains("/boot/efi/EFI/almalinux/grub.cfg", efi.Touches);

        var rooted = Plan(BlsEntry, Kernel, notSaved, once: false, host: false, force: true, text: "GRUB_DEFAULT=0\n");
        Assert.Equal(new[] { "unset next_entry", "set saved_entry=abc-" + Kernel }, rooted.Commands.Select(c => string.Join(' ', c.Arguments.Skip(1))));
        Assert.Contains("chroot /w grub2-mkconfig -o /boot/grub2/grub.cfg", Assert.Single(rooted.Warnings), StringComparison.Ordinal);

        Assert.Equal("/w/boot/grub2/grubenv set next_entry=abc-" + Kernel, string.Join(' ', Assert.Single(Plan(BlsEntry, Kernel, notSaved, once: true, host: false).Commands).Arguments));
    }

    [Fact]
    public void TheDefaultCompiledIntoGrubCfgDecidesNotAnEditedEtcDefaultGrub()
    {
        // GRUB_DEFAULT=0 written after the last update-grub: GRUB still runs set default="${saved_entry}".
        var stillSaved = Debian("0") with { GrubConfigPath = "/boot/grub/grub.cfg", CompiledDefault = "${saved_entry}" };
        var plan = Plan(DebianEntry, "6.1.0-55-amd64", stillSaved, once: false, host: true);
        Assert.Null(plan.Refusal);
        Assert.EndsWith("grub-set-default", Assert.Single(plan.Commands).FileName);

        // GRUB_DEFAULT=saved written after the last update-grub: GRUB still runs set default="0".
        var notYet = Debian("saved") with { GrubConfigPath = "/boot/grub/grub.cfg", CompiledDefault = "0" };
        var refused = Plan(DebianEntry, "6.1.0-55-amd64", notYet, once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusal?.ErrorId);
        Assert.StartsWith("/boot/grub/grub.cfg was generated with default '0' (GRUB_DEFAULT=saved in /etc/default/grub now)", refused.Refusal!.Message);
        Assert.Null(Plan(DebianEntry, "6.1.0-55-amd64", stillSaved with { CompiledDefault = "$saved_entry" }, once: false, host: true).Refusal);
        var forced = Plan(DebianEntry, "6.1.0-55-amd64", notYet, once: false, host: true, force: true, text: "GRUB_DEFAULT=saved\n");
        Assert.Empty(forced.Edits);
        Assert.Equal(new[] { "update-grub", "grub-set-default" }, forced.Commands.Select(c => Path.GetFileName(c.FileName)));
    }

    [Fact]
    public void SystemdBootUsesBootctlOnTheHostAndLoaderConfUnderARoot()
    {
        var setup = new BootLoaderSetup(BootLoaderKind.SystemdBoot, null, null, null, "/efi/loader/loader.conf");
        var entry = new BootEntry("debian-6.1.0-55-amd64.conf", "Debian", "6.1.0-55-amd64", "/vmlinuz", "/efi/loader/entries/debian-6.1.0-55-amd64.conf");
        Assert.Equal(new[] { "set-oneshot", entry.Id }, Assert.Single(Plan(entry, "6.1.0-55-amd64", setup, once: true, host: true).Commands).Arguments);
        var rooted = Plan(entry, "6.1.0-55-amd64", setup, once: false, host: false, text: "timeout 3\ndefault debian-6.1.0-56*\n");
        Assert.Equal("timeout 3\ndefault debian-6.1.0-55-amd64.conf\n", Assert.Single(rooted.Edits).NewContent);
        Assert.Equal("BootLoaderNotSupported", Plan(entry, "6.1.0-55-amd64", setup, once: true, host: false).Refusal?.ErrorId);
    }

    [Fact]
    public void MissingToolsAreARefusalNotAGuess()
    {
        var plan = DefaultKernelPlanner.Plan(new DefaultKernelRequest(Kernel, BlsEntry, Bls(), false, false, false, "/w", new Dictionary<string, string>(), null));
        Assert.Equal("BootToolNotFound", plan.Refusal?.ErrorId);
    }

    private static BootLoaderSetup Bls() => new(BootLoaderKind.GrubBls, "/boot/grub2/grubenv", "saved", "/etc/default/grub", null);

    private static BootLoaderSetup Debian(string grubDefault) => new(BootLoaderKind.GrubDebian, "/boot/grub/grubenv", grubDefault, "/etc/default/grub", null);

    private static DefaultKernelPlan Plan(BootEntry entry, string kernel, BootLoaderSetup setup, bool once, bool host, bool force = false, string? text = null) =>
        DefaultKernelPlanner.Plan(new DefaultKernelRequest(kernel, entry, setup, once, force, host, host ? "/" : "/w", AllTools, text));
}
