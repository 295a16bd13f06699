using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Guard;

/// <summary>What Install-KernelUpdateGuard will do, as data; or why it refuses.</summary>
/// <param name="Writes">Hook files to write (new or outdated).</param>
/// <param name="Current">Hook files already exactly as they would be written.</param>
/// <param name="CreateDirectories">Missing directories to create, parents first.</param>
/// <param name="State">The state file content after the install.</param>
public sealed record GuardInstallPlan(
    IReadOnlyList<GuardHook> Writes,
    IReadOnlyList<GuardHook> Current,
    IReadOnlyList<string> CreateDirectories,
    GuardState? State,
    bool WritesState,
    Failure? Refusal)
{
    public static GuardInstallPlan Refuse(Failure refusal) => new(Array.Empty<GuardHook>(), Array.Empty<GuardHook>(), Array.Empty<string>(), null, false, refusal);

    /// <summary>True when nothing has to change.</summary>
    public bool IsNoOp => Refusal is null && Writes.Count == 0 && CreateDirectories.Count == 0 && !WritesState;

    /// <summary>One line per step, as -WhatIf and -Verbose show them.</summary>
    public IEnumerable<string> Describe() =>
        CreateDirectories.Select(d => $"create directory {d}")
            .Concat(Writes.Select(w => $"write {w.Path} (mode {Octal(w.Mode)})"))
            .Concat(WritesState ? new[] { $"record the installation in {GuardLayout.StatePath}" } : Array.Empty<string>());

    /// <summary>A mode as chmod prints it (<c>0755</c>).</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
