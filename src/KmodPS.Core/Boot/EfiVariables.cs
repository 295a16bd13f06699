using System.Text;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// String EFI variables as efivarfs shows them: 4 attribute bytes, then a NUL-terminated UTF-16LE string.
/// They describe the firmware of the machine that is running, so they are read only through the root: the host's
/// own <c>/sys/firmware/efi/efivars</c> when the root is <c>/</c>, or copies a test tree carries.
/// </summary>
internal static class EfiVariables
{
    public const string Directory = "/sys/firmware/efi/efivars";

    /// <summary>The vendor GUID of the Boot Loader Interface variables systemd-boot reads and writes.</summary>
    public const string LoaderGuid = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

    public static string PathOf(string name, string guid = LoaderGuid) => TreePath.Combine(Directory, name + "-" + guid);

    /// <summary>The string value, or null when the variable does not exist or cannot be read (with a warning).</summary>
    public static string? ReadString(ISystemRoot root, string name, DiagnosticLog log)
    {
        var path = PathOf(name);
        if (!root.FileExists(path))
        {
            return null;
        }
        try
        {
            var content = root.ReadAllBytes(path);
            if (content.Length < 4 || (content.Length - 4) % 2 != 0)
            {
                log.Warn($"{root.MapPath(path)} is {content.Length} bytes, which is not 4 attribute bytes followed by a UTF-16 string; ignoring it.");
                return null;
            }
            var text = Encoding.Unicode.GetString(content, 4, content.Length - 4);
            var nul = text.IndexOf('\0');
            return nul < 0 ? text : text[..nul];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read EFI variable {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }
}
