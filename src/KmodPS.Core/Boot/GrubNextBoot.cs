using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Decides which entry of a GRUB menu boots next, from the compiled <c>grub.cfg</c> header, <c>/etc/default/grub</c>
/// and <c>grubenv</c>: <c>next_entry</c> first (one boot), else the compiled default, where <c>${saved_entry}</c>
/// stands for grubenv's <c>saved_entry</c>.
/// </summary>
internal sealed class GrubNextBoot(ISystemRoot root, GrubLayout layout)
{
    public NextBoot Resolve(IReadOnlyList<GrubMenuNode> menu, string menuDescription, DiagnosticLog log)
    {
        var header = ReadHeader(log);
        var configured = GrubDefaultsFile.ReadGrubDefault(root, log);
        if (!TryFindCompiledDefault(header, configured, log, out var compiled, out var compiledFrom))
        {
            return Unknown(compiledFrom, log);
        }
        var env = GrubEnvironment.Read(root, layout.EnvironmentPath, log);
        if (env.Unreadable)
        {
            return Unknown($"{root.MapPath(env.Path!)} cannot be read, so saved_entry and next_entry are not known.", log);
        }
        if (header is { UsesBootCounter: true } && !string.IsNullOrEmpty(env["boot_counter"]) && env["boot_success"] == "0")
        {
            return Unknown($"{layout.ConfigPath} counts boot attempts (boot_counter={env["boot_counter"]}, boot_success=0 in {env.Path}); after failed boots it switches the default to the rollback entry, so the next entry depends on that counter.", log);
        }
        if (ChooseSelector(header, compiled, compiledFrom, env) is not { } choice)
        {
            return Unknown($"The default '{compiled}' from {compiledFrom} needs GRUB's variable expansion; KmodPS does not evaluate it.", log);
        }
        var (selector, origin, oneShot, fromSavedEntry) = choice;

        var selection = GrubDefaultSelector.Select(menu, selector, layout.IdFirst);
        if (selection.Entry is not { } node)
        {
            var hint = fromSavedEntry ? " The entry it named is gone (a removed kernel?); set the default again." : string.Empty;
            return Unknown($"{Capitalize(origin)}, but {selection.Failure}.{hint}", log, oneShot);
        }
        var entry = node.Entry ?? throw new InvalidOperationException("GRUB menu entries carry their BootEntry.");
        var described = $"'{node.Title}'" + (node.Id is null ? string.Empty : $" ({node.Id})");
        var how = string.IsNullOrEmpty(selector) ? $"GRUB boots the first {menuDescription}, {described}" : $"it selects {described}";
        if (entry.KernelVersion is null)
        {
            var why = entry.IsRecovery ? "it is a rescue entry whose kernel release is not recorded" : "it loads no recognisable kernel image";
            return Unknown($"{Capitalize(origin)}; {how}, but {why}.", log, oneShot, entry.Id);
        }
        if (MissingImage(entry) is { } missing)
        {
            return Unknown($"{Capitalize(origin)}; {how}, but its kernel image {missing} does not exist under the root, so GRUB cannot boot it.", log, oneShot, entry.Id);
        }
        return new NextBoot(layout.Kind, entry.KernelVersion, entry.Id, oneShot, $"{Capitalize(origin)}; {how}: kernel {entry.KernelVersion}.");
    }

    // next_entry first (when the header copies it), then the compiled default with ${saved_entry} read from grubenv.
    private static GrubSelector? ChooseSelector(GrubConfigHeader? header, string? compiled, string compiledFrom, GrubEnvironment env)
    {
        var nextEntry = env["next_entry"];
        if ((header?.HonoursNextEntry ?? true) && !string.IsNullOrEmpty(nextEntry))
        {
            return new GrubSelector(nextEntry, $"The one-boot next_entry '{nextEntry}' in {env.Path} (grub-reboot) comes first: GRUB's 00_header uses next_entry whatever GRUB_DEFAULT is", true, false);
        }
        if (compiled is null || !compiled.Contains('$', StringComparison.Ordinal))
        {
            return new GrubSelector(compiled, compiled is null ? $"No default is {compiledFrom}" : $"The default is '{compiled}' ({compiledFrom})", false, false);
        }
        if (!GrubConfigHeader.IsSavedEntry(compiled))
        {
            return null;
        }
        var saved = env["saved_entry"];
        var oneShot = !string.IsNullOrEmpty(env["prev_saved_entry"]);
        var origin = string.IsNullOrEmpty(saved)
            ? $"GRUB_DEFAULT=saved ({compiledFrom}) and " + (env.Path is null ? "there is no grubenv, so no saved_entry" : $"{env.Path} has no saved_entry")
            : $"GRUB_DEFAULT=saved ({compiledFrom}) and saved_entry is '{saved}' in {env.Path}" + (oneShot ? " (set for one boot by an old-style grub-reboot; prev_saved_entry restores it)" : string.Empty);
        return new GrubSelector(saved, origin, oneShot, true);
    }

    private GrubConfigHeader? ReadHeader(DiagnosticLog log) => GrubConfigHeader.Read(root, layout.ConfigPath, log);

    // The compiled grub.cfg is what GRUB runs; /etc/default/grub only matters through grub-mkconfig, so it is used when
    // there is no grub.cfg to read and otherwise only checked for drift.
    private bool TryFindCompiledDefault(GrubConfigHeader? header, (ShellValue Value, string Source)? configured, DiagnosticLog log, out string? compiled, out string from)
    {
        if (header is not null)
        {
            compiled = header.CompiledDefault;
            from = $"compiled into {layout.ConfigPath}";
            if (header.HasButtonDefault)
            {
                log.Warn($"{layout.ConfigPath} sets a different default when the machine is powered on with the CMOS button (GRUB_BUTTON_CMOS_ADDRESS); KmodPS reports the ordinary default.");
            }
            if (configured is { Value.IsStatic: true } c && compiled is not null && GrubDefaultsFile.Compile(c.Value.Value) != compiled)
            {
                log.Warn($"GRUB_DEFAULT={c.Value.Value} in {c.Source} differs from the default '{compiled}' compiled into {layout.ConfigPath}; grub-mkconfig (update-grub) has not been run since it changed, and GRUB uses the compiled value.");
            }
            return true;
        }
        if (configured is { } value)
        {
            from = $"{value.Source}; no grub.cfg found";
            compiled = value.Value.IsStatic ? GrubDefaultsFile.Compile(value.Value.Value) : null;
            if (!value.Value.IsStatic)
            {
                from = $"GRUB_DEFAULT={value.Value.Value} in {value.Source} needs the shell to expand it; KmodPS does not run it.";
                return false;
            }
            return true;
        }
        compiled = "0";
        from = "no grub.cfg and no GRUB_DEFAULT: grub-mkconfig's default";
        return true;
    }

    private string? MissingImage(BootEntry entry)
    {
        if (entry.LinuxPath is not { } linux || !linux.StartsWith('/') || linux.Contains('$', StringComparison.Ordinal) || linux.Contains(')', StringComparison.Ordinal))
        {
            return null;
        }
        var candidates = new[] { linux, TreePath.Combine("/boot", linux) };
        return candidates.Any(root.FileExists) ? null : linux;
    }

    private NextBoot Unknown(string why, DiagnosticLog log, bool oneShot = false, string? entryId = null)
    {
        log.Warn($"The next boot kernel cannot be known: {why}");
        return new NextBoot(layout.Kind, null, entryId, oneShot, why);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
