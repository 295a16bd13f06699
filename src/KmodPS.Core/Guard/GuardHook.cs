using KmodPS.Core.Models;

namespace KmodPS.Core.Guard;

/// <summary>A hook file the guard owns: where it goes, what it contains and its file mode.</summary>
public sealed record GuardHook(GuardHookKind Kind, string Path, string Content, UnixFileMode Mode);
