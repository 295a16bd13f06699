using System.Text;

namespace KmodPS.Core.TestRoots;

/// <summary>A GRUB environment block as grub-editenv writes it: 1024 bytes, key=value lines, padded with '#'.</summary>
internal static class GrubEnvironmentFile
{
    public static byte[] Create(params (string Key, string Value)[] variables)
    {
        var text = "# GRUB Environment Block\n" + string.Concat(variables.Select(v => $"{v.Key}={v.Value}\n"));
        return Encoding.ASCII.GetBytes(text.PadRight(1024, '#'));
    }
}
