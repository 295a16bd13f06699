using KmodPS.Core.Models;

namespace KmodPS.Core.Guard;

/// <summary>A hook file the guard owns: where it goes, what it contains and its file mode.</summary>
public sealed record GuardHook(GuardHookKind Kind, string Path, string Content, UnixFileMode Mode)
{
    /// <summary>A mode as chmod prints it (<c>0755</c>).</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
