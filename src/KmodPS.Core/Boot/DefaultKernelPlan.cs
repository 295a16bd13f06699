using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// What Set-DefaultKernel will do, as data: file edits first, then commands, plus warnings; or why it refuses.
/// The files listed in <see cref="Touches"/> are saved before and restored if the result does not read back.
/// </summary>
public sealed record DefaultKernelPlan(
    IReadOnlyList<FileEdit> Edits,
    IReadOnlyList<CommandRequest> Commands,
    IReadOnlyList<string> Touches,
    IReadOnlyList<string> Warnings,
    Failure? Refusal)
{
    public static DefaultKernelPlan Refuse(Failure refusal) => new(Array.Empty<FileEdit>(), Array.Empty<CommandRequest>(), Array.Empty<string>(), Array.Empty<string>(), refusal);

    /// <summary>One line per step, as -WhatIf and -Verbose show them.</summary>
    public IEnumerable<string> Describe() =>
        Edits.Select(e => $"edit {e.Path}: {e.Description}").Concat(Commands.Select(c => "run " + c.DisplayText));
}
