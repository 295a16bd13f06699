using System.Text.RegularExpressions;

namespace KmodPS.Core.Platform;

/// <summary>POSIX quoting for display only; commands themselves always run from an argument vector.</summary>
internal static partial class ShellQuote
{
    public static string Quote(string argument) =>
        argument.Length > 0 && SafeArgument().IsMatch(argument) ? argument : "'" + argument.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./~^-]+$")]
    private static partial Regex SafeArgument();
}
