using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// The <c>GRUB_DEFAULT</c> that <c>grub-mkconfig</c> would compile, from <c>/etc/default/grub</c> and the
/// <c>/etc/default/grub.d/*.cfg</c> fragments it sources afterwards (the last assignment wins).
/// </summary>
internal static class GrubDefaultsFile
{
    private const string MainFile = "/etc/default/grub";
    private const string FragmentDirectory = "/etc/default/grub.d";

    /// <summary>The last <c>GRUB_DEFAULT</c> assignment and the file it is in; null when none of the files sets it.</summary>
    public static (ShellValue Value, string Source)? ReadGrubDefault(ISystemRoot root, DiagnosticLog log)
    {
        (ShellValue, string)? found = null;
        var files = new List<string> { MainFile };
        files.AddRange(root.ListDirectory(FragmentDirectory)
            .Where(n => n.EndsWith(".cfg", StringComparison.Ordinal))
            .Select(n => TreePath.Combine(FragmentDirectory, n)));
        foreach (var file in files)
        {
            if (!root.FileExists(file))
            {
                continue;
            }
            try
            {
                if (ShellAssignment.FindLast(root.ReadAllText(file), "GRUB_DEFAULT") is { } value)
                {
                    found = (value, file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Cannot read {root.MapPath(file)}: {e.Message}");
            }
        }
        return found;
    }

    /// <summary>What <c>00_header</c> turns a <c>GRUB_DEFAULT</c> into: empty means 0, <c>saved</c> means <c>${saved_entry}</c>.</summary>
    public static string Compile(string grubDefault) => grubDefault switch
    {
        "" => "0",
        "saved" => GrubConfigHeader.SavedEntryReference,
        _ => grubDefault,
    };
}
