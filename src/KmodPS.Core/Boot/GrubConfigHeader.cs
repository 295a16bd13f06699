using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// How a generated <c>grub.cfg</c> sets <c>default</c>. <c>00_header</c> writes
/// <c>if [ "${next_entry}" ] ; then set default="${next_entry}" ... else set default="GRUB_DEFAULT" fi</c>, with
/// <c>GRUB_DEFAULT=saved</c> compiled to <c>${saved_entry}</c>; so <c>next_entry</c> wins whatever
/// <c>GRUB_DEFAULT</c> is, and the compiled value (not <c>/etc/default/grub</c>) is what GRUB uses.
/// </summary>
internal sealed class GrubConfigHeader
{
    public const string SavedEntryReference = "${saved_entry}";
    private const string NextEntryReference = "${next_entry}";

    private const string SectionStart = "### BEGIN /etc/grub.d/";
    private const string HeaderSection = "00_header";

    private GrubConfigHeader(bool honoursNextEntry, string? compiledDefault, bool hasButtonDefault, bool usesBlscfg, bool usesBootCounter)
    {
        HonoursNextEntry = honoursNextEntry;
        CompiledDefault = compiledDefault;
        HasButtonDefault = hasButtonDefault;
        UsesBlscfg = usesBlscfg;
        UsesBootCounter = usesBootCounter;
    }

    /// <summary>True when a compiled default is GRUB_DEFAULT=saved's <c>${saved_entry}</c> (or its unbraced form).</summary>
    public static bool IsSavedEntry(string? compiledDefault) => compiledDefault is SavedEntryReference or "$saved_entry";

    /// <summary>The header of the grub.cfg at <paramref name="path"/> inside the root; null when there is none or it cannot be read (warned).</summary>
    public static GrubConfigHeader? Read(ISystemRoot root, string? path, DiagnosticLog log)
    {
        if (path is null)
        {
            return null;
        }
        try
        {
            return Parse(root.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }

    /// <summary>True when the config copies <c>next_entry</c> into <c>default</c>.</summary>
    public bool HonoursNextEntry { get; }

    /// <summary>The value of the last <c>set default=</c> other than <c>${next_entry}</c>; null when the config never sets it.</summary>
    public string? CompiledDefault { get; }

    /// <summary>True when <c>GRUB_BUTTON_CMOS_ADDRESS</c> made the default depend on how the machine was powered on.</summary>
    public bool HasButtonDefault { get; }

    /// <summary>True when the config runs <c>blscfg</c> to build the menu from BLS entries.</summary>
    public bool UsesBlscfg { get; }

    /// <summary>
    /// True when the config has Fedora's <c>08_fallback_counting</c>, which sets <c>default=1</c> while grubenv's
    /// <c>boot_counter</c> runs down after a failed boot (<c>boot_success=0</c>).
    /// </summary>
    public bool UsesBootCounter { get; }

    /// <remarks>
    /// When the file has grub-mkconfig's section markers, only <c>set default=</c> in the <c>00_header</c> section
    /// counts; other sections set it conditionally (<c>08_fallback_counting</c>), which <see cref="UsesBootCounter"/> reports.
    /// </remarks>
    public static GrubConfigHeader Parse(string text)
    {
        var lines = text.Split('\n');
        var hasSections = lines.Any(l => l.StartsWith(SectionStart, StringComparison.Ordinal));
        var section = string.Empty;
        var honoursNext = false;
        var button = false;
        var blscfg = false;
        var bootCounter = false;
        string? compiled = null;
        foreach (var line in lines)
        {
            if (line.StartsWith(SectionStart, StringComparison.Ordinal))
            {
                section = line[SectionStart.Length..].Trim().TrimEnd('#').Trim();
                continue;
            }
            var words = GrubScriptWords.Split(line);
            if (words.Count == 0)
            {
                continue;
            }
            blscfg |= words[0].Is("blscfg");
            button |= words.Any(w => w.Is("cmostest"));
            bootCounter |= words.Any(w => w.Text.Contains("${boot_counter}", StringComparison.Ordinal));
            if (words.Count != 2 || !words[0].Is("set") || !words[1].Text.StartsWith("default=", StringComparison.Ordinal))
            {
                continue;
            }
            if (hasSections && section != HeaderSection)
            {
                continue;
            }
            var value = words[1].Text["default=".Length..];
            if (value == NextEntryReference)
            {
                honoursNext = true;
            }
            else
            {
                compiled = value;
            }
        }
        return new GrubConfigHeader(honoursNext, compiled, button, blscfg, bootCounter);
    }
}
