using System.Text.RegularExpressions;

namespace KmodPS.Kernels;

/// <summary>Validation of kernel release strings (<c>uname -r</c> form).</summary>
public static partial class KernelVersion
{
    public const string AllowedCharacters = "[A-Za-z0-9._+~-]";

    /// <summary>True when the string is a non-empty kernel release made only of safe characters.</summary>
    public static bool IsValid(string? version) =>
        !string.IsNullOrEmpty(version) && version.Length <= 200 && ValidVersion().IsMatch(version) && version != "." && version != "..";

    [GeneratedRegex(@"^[A-Za-z0-9._+~-]+\z")]
    private static partial Regex ValidVersion();
}
