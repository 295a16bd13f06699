using KmodPS.Models;

namespace KmodPS.Guard;

/// <summary>A hook file the guard owns: where it goes, what it contains and its file mode.</summary>
public sealed record GuardHook(GuardHookKind Kind, string Path, string Content, UnixFileMode Mode);
