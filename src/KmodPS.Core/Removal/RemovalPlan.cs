using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>What Remove-Kernel will do, as data: one package-manager command, or why it refuses.</summary>
/// <param name="Command">The package manager's command (argument vector).</param>
/// <param name="Packages">Every package the command names (the kernel's own, plus its dependents with -Force).</param>
/// <param name="RpmDatabasePath">When set, dnf runs with a private HOME whose <c>.rpmmacros</c> sets <c>%_dbpath</c> to it (alternate roots).</param>
/// <param name="Warnings">Things the admin should know that do not stop the removal.</param>
public sealed record RemovalPlan(CommandRequest? Command, IReadOnlyList<string> Packages, string? RpmDatabasePath, IReadOnlyList<string> Warnings, Failure? Refusal)
{
    public static RemovalPlan Refuse(Failure refusal) => new(null, Array.Empty<string>(), null, Array.Empty<string>(), refusal);
}
