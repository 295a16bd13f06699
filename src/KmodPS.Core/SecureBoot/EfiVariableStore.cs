using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Reads UEFI variables of a root: efivarfs (<c>/sys/firmware/efi/efivars/Name-GUID</c>, 4 attribute bytes then the
/// value) and the MOK config table shim 15.3+ passes to the kernel (<c>/sys/firmware/efi/mok-variables/Name</c>, the
/// value alone).
/// </summary>
internal sealed class EfiVariableStore(ISystemRoot root, DiagnosticLog log)
{
    public const string EfiDirectory = "/sys/firmware/efi";
    public const string EfivarsDirectory = EfiDirectory + "/efivars";
    public const string MokVariablesDirectory = EfiDirectory + "/mok-variables";

    private const int AttributeSize = 4;

    /// <summary>True when the system booted through UEFI (the kernel created /sys/firmware/efi).</summary>
    public bool IsEfiBoot => root.DirectoryExists(EfiDirectory);

    /// <summary>True when efivarfs is mounted: an EFI system always has some variables.</summary>
    public bool HasEfivars => root.ListDirectory(EfivarsDirectory).Count > 0;

    public static string EfivarPath(string name, string guid) => $"{EfivarsDirectory}/{name}-{guid}";

    public static string MokVariablePath(string name) => $"{MokVariablesDirectory}/{name}";

    /// <summary>The value of an efivarfs variable (attributes stripped); null when absent or unreadable (then a warning is logged).</summary>
    public byte[]? ReadEfivar(string name, string guid, out bool exists)
    {
        var path = EfivarPath(name, guid);
        exists = root.FileExists(path);
        if (!exists || ReadFile(path) is not { } data)
        {
            return null;
        }
        if (data.Length < AttributeSize)
        {
            log.Warn($"{root.MapPath(path)} is shorter than the 4 attribute bytes of an efivarfs variable; ignored.");
            return null;
        }
        return data[AttributeSize..];
    }

    /// <summary>The value of a MOK config table entry; null when absent or unreadable (then a warning is logged).</summary>
    public byte[]? ReadMokVariable(string name)
    {
        var path = MokVariablePath(name);
        return root.FileExists(path) ? ReadFile(path) : null;
    }

    private byte[]? ReadFile(string path)
    {
        try
        {
            return root.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }
}
