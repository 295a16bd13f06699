using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// systemd-boot: what <c>config_select_default_entry</c> picks. The <c>LoaderEntryOneShot</c> EFI variable first
/// (one boot), then <c>LoaderEntryDefault</c> (<c>bootctl set-default</c>), then <c>default</c> in
/// <c>loader.conf</c> (a glob; <c>@saved</c> means <c>LoaderEntryLastBooted</c>), else the first entry in
/// <see cref="SystemdBootOrder"/>. A variable or pattern that is set but matches no entry makes the answer unknown:
/// systemd-boot would fall through to the next rule, but the configuration no longer says what the admin meant.
/// </summary>
internal sealed class SystemdBootConfiguration(ISystemRoot root, SystemdBootLayout layout) : IBootLoaderConfiguration
{
    public SystemdBootLayout Layout => layout;

    public BootLoaderKind Kind => BootLoaderKind.SystemdBoot;

    public IReadOnlyList<BootEntry> ReadEntries(DiagnosticLog log) => ReadSorted(log).Select(e => e.Entry).ToList();

    public NextBoot Resolve(DiagnosticLog log)
    {
        var entries = ReadSorted(log);
        var oneShot = EfiVariables.ReadString(root, "LoaderEntryOneShot", log);
        var efiDefault = EfiVariables.ReadString(root, "LoaderEntryDefault", log);
        var confDefault = ReadLoaderConfDefault(log);
        var useSavedEfi = string.Equals(efiDefault, "@saved", StringComparison.OrdinalIgnoreCase);
        var useSavedConf = string.Equals(confDefault, "@saved", StringComparison.OrdinalIgnoreCase);
        var lastBooted = useSavedEfi || useSavedConf ? EfiVariables.ReadString(root, "LoaderEntryLastBooted", log) : null;
        var efiDir = EfiVariables.Directory;

        var rules = new List<(string Origin, string? Pattern, bool OneShot)>
        {
            ($"EFI variable LoaderEntryOneShot ({efiDir}, one boot, set by 'bootctl set-oneshot')", oneShot, true),
            useSavedEfi
                ? ("EFI variable LoaderEntryDefault=@saved: LoaderEntryLastBooted", lastBooted, false)
                : ($"EFI variable LoaderEntryDefault ({efiDir}, set by 'bootctl set-default')", efiDefault, false),
        };
        if (useSavedConf && !useSavedEfi)
        {
            rules.Add(($"'default @saved' in {layout.LoaderConf}: LoaderEntryLastBooted", lastBooted, false));
        }
        else if (!useSavedConf)
        {
            rules.Add(($"'default' in {layout.LoaderConf}", confDefault, false));
        }

        foreach (var (origin, pattern, isOneShot) in rules)
        {
            if (string.IsNullOrEmpty(pattern))
            {
                continue;
            }
            var match = entries.FirstOrDefault(e => EfiGlob.IsMatch(pattern, e.Id));
            if (match is null)
            {
                var fallback = entries.Count > 0 ? $" (systemd-boot would fall through to its next rule; its first entry is '{entries[0].Id}')" : string.Empty;
                return Unknown($"{origin} is '{pattern}', which matches no boot entry{fallback}.", log, isOneShot);
            }
            return Selected(match, $"{origin} is '{pattern}'; it selects", isOneShot, log);
        }
        if (entries.Count == 0)
        {
            return Unknown("systemd-boot has no boot entries under the root.", log, false);
        }
        return Selected(entries[0], "No one-shot or default entry is set (EFI variables, loader.conf); systemd-boot boots the first entry in its order (sort-key, then version and id newest first),", false, log);
    }

    private List<SystemdBootEntry> ReadSorted(DiagnosticLog log)
    {
        var reader = new SystemdBootEntryReader(root);
        var entries = layout.Partitions.SelectMany(p => reader.Read(p, log)).ToList();
        entries.Sort(SystemdBootOrder.Instance);
        return entries;
    }

    private string? ReadLoaderConfDefault(DiagnosticLog log)
    {
        if (layout.LoaderConf is not { } path)
        {
            return null;
        }
        try
        {
            var value = BlsEntryFile.Parse(root.ReadAllText(path)).GetLast("default");
            if (value is not null && value.StartsWith('@') && !value.Equals("@saved", StringComparison.OrdinalIgnoreCase))
            {
                log.Warn($"'default {value}' in {path} is not a special id systemd-boot knows; it ignores the line.");
                return null;
            }
            return value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }

    private NextBoot Selected(SystemdBootEntry selected, string how, bool oneShot, DiagnosticLog log)
    {
        var entry = selected.Entry;
        var described = entry.Title is null ? $"'{entry.Id}'" : $"'{entry.Title}' ({entry.Id})";
        if (entry.KernelVersion is null)
        {
            return Unknown($"{how} {described}, whose kernel release is not recorded in the entry.", log, oneShot, entry.Id);
        }
        return new NextBoot(BootLoaderKind.SystemdBoot, entry.KernelVersion, entry.Id, oneShot, $"{how} {described}: kernel {entry.KernelVersion}.");
    }

    private static NextBoot Unknown(string why, DiagnosticLog log, bool oneShot, string? entryId = null)
    {
        log.Warn($"The next boot kernel cannot be known: {why}");
        return new NextBoot(BootLoaderKind.SystemdBoot, null, entryId, oneShot, why);
    }
}
