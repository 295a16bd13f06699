using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Boot;

public sealed class DefaultKernelPlannerTests
{
    private const string Kernel = "5.14.0-611.41.1.el9_7.x86_64";
    private static readonly BootEntry BlsEntry = new("abc-" + Kernel, "AlmaLinux", Kernel, "/vmlinuz-" + Kernel, "/boot/loader/entries/abc-" + Kernel + ".conf");
    private static readonly BootEntry DebianEntry = new("gnulinux-6.1.0-55-amd64-advanced-U", "Debian", "6.1.0-55-amd64", "/boot/vmlinuz-6.1.0-55-amd64", "/boot/grub/grub.cfg")
    {
        MenuPath = "gnulinux-advanced-U>gnulinux-6.1.0-55-amd64-advanced-U",
    };

    private static readonly Dictionary<string, string> AllTools = new[] { "grubby", "grub2-editenv", "grub-editenv", "update-grub", "grub2-mkconfig", "bootctl" }
        .ToDictionary(t => t, t => "/usr/sbin/" + t);

    [Fact]
    public void RhelHostUsesGrubby()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: false, host: true);
        var command = Assert.Single(Commands(plan));
        Assert.Equal(new[] { "--set-default", "/boot/vmlinuz-" + Kernel }, command.Arguments);
        Assert.EndsWith("grubby", command.FileName);
    }

    [Fact]
    public void RhelRootEditsItsOwnGrubenvAndClearsAPendingOneShot()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: false, host: false);
        Assert.Equal(new[] { "/w/boot/grub2/grubenv unset next_entry", "/w/boot/grub2/grubenv set saved_entry=abc-" + Kernel },
            Commands(plan).Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal(new[] { "/boot/grub2/grubenv" }, plan.Touches);
    }

    [Fact]
    public void OnceSetsNextEntry()
    {
        var plan = Plan(BlsEntry, Kernel, Bls(), once: true, host: false);
        Assert.Equal("/w/boot/grub2/grubenv set next_entry=abc-" + Kernel, string.Join(' ', Assert.Single(Commands(plan)).Arguments));
    }

    [Fact]
    public void DebianEditsACopyOfTheGrubenvWithTheSubmenuPathAsGrubSetDefaultAndGrubRebootWould()
    {
        var plan = Plan(DebianEntry, "6.1.0-55-amd64", Debian("saved"), once: false, host: false);
        var edit = Assert.IsType<CopyEditChange>(Assert.Single(plan.Steps));
        Assert.Equal(("/boot/grub/grubenv", "/w/boot/grub/grubenv"), (edit.TreePath, edit.ToolPath));
        Assert.All(edit.Requests, c => Assert.EndsWith("grub-editenv", c.FileName));
        Assert.Equal(new[] { "/w/boot/grub/grubenv unset next_entry", "/w/boot/grub/grubenv set saved_entry=gnulinux-advanced-U>gnulinux-6.1.0-55-amd64-advanced-U" },
            edit.Requests.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal("/boot/grub/grubenv set next_entry=gnulinux-advanced-U>gnulinux-6.1.0-55-amd64-advanced-U",
            string.Join(' ', Assert.Single(Commands(Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: true, host: true))).Arguments));
    }

    [Fact]
    public void DebianWithoutSavedDefaultRefusesUnlessForced()
    {
        var refused = Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusals.FirstOrDefault()?.ErrorId);
        Assert.Empty(Commands(refused));
        var forced = Plan(DebianEntry, "6.1.0-55-amd64", Debian("0"), once: false, host: true, force: true, text: "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\n");
        var edit = Assert.Single(Edits(forced));
        Assert.Equal("GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\n", Edited(edit, "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\n"));
        Assert.True(edit.KeepBackup);
        Assert.Equal(new[] { "update-grub", "grub-editenv", "grub-editenv" }, Commands(forced).Select(c => Path.GetFileName(c.FileName)));
        Assert.Contains("/etc/default/grub", forced.Touches);
    }

    [Fact]
    public void RhelWithoutSavedDefaultRefusesUnlessForcedAndOnceStillWorks()
    {
        var notSaved = Bls() with { GrubDefault = "0" };
        var refused = Plan(BlsEntry, Kernel, notSaved, once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusals.FirstOrDefault()?.ErrorId);
        Assert.Contains("run grub2-mkconfig -o /boot/grub2/grub.cfg", refused.Refusals[0].Message, StringComparison.Ordinal);
        Assert.Empty(Commands(refused));

        var forced = Plan(BlsEntry, Kernel, notSaved, once: false, host: true, force: true, text: "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\nGRUB_ENABLE_BLSCFG=true\n");
        Assert.Equal("GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_ENABLE_BLSCFG=true\n", Edited(Assert.Single(Edits(forced)), "GRUB_TIMEOUT=5\nGRUB_DEFAULT=0\nGRUB_ENABLE_BLSCFG=true\n"));
        Assert.Equal(new[] { "grub2-mkconfig -o /boot/grub2/grub.cfg", "grubby --set-default /boot/vmlinuz-" + Kernel },
            Commands(forced).Select(c => Path.GetFileName(c.FileName) + " " + string.Join(' ', c.Arguments)));
        Assert.Equal(new[] { "/boot/grub2/grubenv", "/etc/default/grub", "/boot/grub2/grub.cfg" }, forced.Touches);

        var efi = Plan(BlsEntry, Kernel, notSaved with { GrubConfigPath = "/boot/efi/EFI/almalinux/grub.cfg" }, once: false, host: true, force: true, text: "GRUB_DEFAULT=0\n");
        Assert.Equal("-o /boot/efi/EFI/almalinux/grub.cfg", string.Join(' ', Commands(efi)[0].Arguments));
        Assert.Contains("/boot/efi/EFI/almalinux/grub.cfg", efi.Touches);

        var rooted = Plan(BlsEntry, Kernel, notSaved, once: false, host: false, force: true, text: "GRUB_DEFAULT=0\n");
        Assert.Equal(new[] { "unset next_entry", "set saved_entry=abc-" + Kernel }, Commands(rooted).Select(c => string.Join(' ', c.Arguments.Skip(1))));
        Assert.Contains("chroot /w grub2-mkconfig -o /boot/grub2/grub.cfg", Assert.Single(rooted.Warnings), StringComparison.Ordinal);

        Assert.Equal("/w/boot/grub2/grubenv set next_entry=abc-" + Kernel, string.Join(' ', Assert.Single(Commands(Plan(BlsEntry, Kernel, notSaved, once: true, host: false))).Arguments));
    }

    [Theory]
    [InlineData(BootLoaderKind.GrubBls)]
    [InlineData(BootLoaderKind.GrubDebian)]
    public void WithoutGrubCfgAndGrubDefaultTheDefaultIsUnknownSoOnlyForceOrOnceProceed(BootLoaderKind kind)
    {
        // The next-boot reader then takes grub-mkconfig's default (0), so a saved_entry written would never read back.
        var (entry, kernel) = kind == BootLoaderKind.GrubBls ? (BlsEntry, Kernel) : (DebianEntry, "6.1.0-55-amd64");
        var unknown = new BootLoaderSetup(kind, kind == BootLoaderKind.GrubBls ? "/boot/grub2/grubenv" : "/boot/grub/grubenv", null, null, null);
        Assert.True(unknown.GrubDefaultUnknown);
        var refused = Plan(entry, kernel, unknown, once: false, host: false);
        Assert.Equal("GrubDefaultUnknown", Assert.Single(refused.Refusals).ErrorId);
        Assert.Empty(refused.Steps);

        var forced = Plan(entry, kernel, unknown, once: false, host: false, force: true, text: null);
        Assert.Equal("GRUB_DEFAULT=saved\n", Edited(Assert.Single(Edits(forced)), null));
        Assert.Contains("/etc/default/grub", forced.Touches);

        Assert.False(Plan(entry, kernel, unknown, once: true, host: false).IsRefused);
        Assert.False((unknown with { GrubDefault = "0" }).GrubDefaultUnknown);
        Assert.False((unknown with { CompiledDefault = "0" }).GrubDefaultUnknown);
    }

    [Fact]
    public void TheDefaultCompiledIntoGrubCfgDecidesNotAnEditedEtcDefaultGrub()
    {
        // GRUB_DEFAULT=0 written after the last update-grub: GRUB still runs set default="${saved_entry}".
        var stillSaved = Debian("0") with { GrubConfigPath = "/boot/grub/grub.cfg", CompiledDefault = "${saved_entry}" };
        var plan = Plan(DebianEntry, "6.1.0-55-amd64", stillSaved, once: false, host: true);
        Assert.False(plan.IsRefused);
        Assert.Equal("set saved_entry=" + DebianEntry.MenuPath, string.Join(' ', Commands(plan)[1].Arguments.Skip(1)));

        // GRUB_DEFAULT=saved written after the last update-grub: GRUB still runs set default="0".
        var notYet = Debian("saved") with { GrubConfigPath = "/boot/grub/grub.cfg", CompiledDefault = "0" };
        var refused = Plan(DebianEntry, "6.1.0-55-amd64", notYet, once: false, host: true);
        Assert.Equal("GrubDefaultNotSaved", refused.Refusals.FirstOrDefault()?.ErrorId);
        Assert.StartsWith("/boot/grub/grub.cfg was generated with default '0' (GRUB_DEFAULT=saved in /etc/default/grub now)", refused.Refusals[0].Message);
        Assert.False(Plan(DebianEntry, "6.1.0-55-amd64", stillSaved with { CompiledDefault = "$saved_entry" }, once: false, host: true).IsRefused);
        var forced = Plan(DebianEntry, "6.1.0-55-amd64", notYet, once: false, host: true, force: true, text: "GRUB_DEFAULT=saved\n");
        Assert.Empty(Edits(forced));
        Assert.Equal(new[] { "update-grub", "grub-editenv", "grub-editenv" }, Commands(forced).Select(c => Path.GetFileName(c.FileName)));
    }

    [Fact]
    public void SystemdBootUsesBootctlOnTheHostAndLoaderConfUnderARoot()
    {
        var setup = new BootLoaderSetup(BootLoaderKind.SystemdBoot, null, null, null, "/efi/loader/loader.conf");
        var entry = new BootEntry("debian-6.1.0-55-amd64.conf", "Debian", "6.1.0-55-amd64", "/vmlinuz", "/efi/loader/entries/debian-6.1.0-55-amd64.conf");
        Assert.Equal(new[] { "set-oneshot", entry.Id }, Assert.Single(Commands(Plan(entry, "6.1.0-55-amd64", setup, once: true, host: true))).Arguments);
        var rooted = Plan(entry, "6.1.0-55-amd64", setup, once: false, host: false, text: "timeout 3\ndefault debian-6.1.0-56*\n");
        Assert.Equal("timeout 3\ndefault debian-6.1.0-55-amd64.conf\n", Edited(Assert.Single(Edits(rooted)), "timeout 3\ndefault debian-6.1.0-56*\n"));
        Assert.Equal("BootLoaderNotSupported", Plan(entry, "6.1.0-55-amd64", setup, once: true, host: false).Refusals.FirstOrDefault()?.ErrorId);
    }

    [Fact]
    public void MissingToolsAreARefusalNotAGuess()
    {
        var plan = DefaultKernelPlanner.Plan(new DefaultKernelRequest(Kernel, BlsEntry, Bls(), false, false, false, "/w", new Dictionary<string, string>(), null));
        Assert.Equal("BootToolNotFound", plan.Refusals.FirstOrDefault()?.ErrorId);
    }

    private static BootLoaderSetup Bls() => new(BootLoaderKind.GrubBls, "/boot/grub2/grubenv", "saved", "/etc/default/grub", null);

    private static BootLoaderSetup Debian(string grubDefault) => new(BootLoaderKind.GrubDebian, "/boot/grub/grubenv", grubDefault, "/etc/default/grub", null);

    // The commands in order: run as they are, or on a copy of the grubenv (CopyEditChange).
    private static IReadOnlyList<CommandRequest> Commands(ChangePlan plan) =>
        plan.Steps.SelectMany(s => s switch
        {
            CommandChange c => new[] { c.Request },
            CopyEditChange e => e.Requests,
            _ => Array.Empty<CommandRequest>(),
        }).ToList();

    private static IReadOnlyList<FileChange> Edits(ChangePlan plan) => plan.Steps.OfType<FileChange>().ToList();

    // What the edit writes over the file's current text (it edits under the root's lock, not at plan time).
    private static string? Edited(FileChange edit, string? current) =>
        edit.Edited(current is null ? null : System.Text.Encoding.UTF8.GetBytes(current)) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    private static ChangePlan Plan(BootEntry entry, string kernel, BootLoaderSetup setup, bool once, bool host, bool force = false, string? text = null) =>
        DefaultKernelPlanner.Plan(new DefaultKernelRequest(kernel, entry, setup, once, force, host, host ? "/" : "/w", AllTools, text));
}
