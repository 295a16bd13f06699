using KmodPS.Core.Models;

namespace KmodPS.Core.Guard;

/// <summary>
/// The guard's state file <c>/var/lib/kmodps/guard.json</c>: what Install-KernelUpdateGuard added (so that
/// Uninstall removes exactly that) and what Invoke-KernelUpdateGuard last decided.
/// </summary>
public sealed record GuardState
{
    public int Schema { get; init; } = 1;

    /// <summary>Present while the guard is installed.</summary>
    public GuardInstallation? Installation { get; init; }

    /// <summary>The newest kernel found healthy at the last check.</summary>
    public string? LastHealthyKernel { get; init; }

    public GuardDecisionRecord? LastDecision { get; init; }
}

/// <summary>What Install-KernelUpdateGuard wrote and created.</summary>
/// <param name="Files">The hook files it wrote (paths inside the root).</param>
/// <param name="CreatedDirectories">Directories that did not exist before (removed on uninstall when empty), parents first.</param>
/// <param name="CreatedStateFile">True when the state file did not exist before the install (uninstall deletes it).</param>
/// <remarks>Written before the hooks, then confirmed: see <see cref="GuardInstallJournal"/>.</remarks>
public sealed record GuardInstallation(
    [property: Newtonsoft.Json.JsonProperty("kmodpsVersion")] string KmodPSVersion,
    DateTime InstalledAt,
    string RunnerPath,
    bool Repair,
    bool Promote,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> CreatedDirectories,
    bool CreatedStateFile)
{
    /// <summary>
    /// True from the moment an install recorded what it is about to write until its hooks read back (then absent): a
    /// record still pending is an install that was interrupted. Uninstall removes what it lists all the same.
    /// </summary>
    public bool? Pending { get; init; }
}

/// <summary>The last verdict, as stored (see <see cref="KernelGuardDecision"/>).</summary>
public sealed record GuardDecisionRecord(
    string KernelVersion,
    bool IsHealthy,
    IReadOnlyList<string> MissingModules,
    GuardAction Action,
    string? DefaultBefore,
    string? DefaultAfter,
    string? LastHealthyKernel,
    string Repair,
    bool Applied,
    string Summary,
    DateTime Time)
{
    public static GuardDecisionRecord From(KernelGuardDecision decision) => new(
        decision.KernelVersion, decision.IsHealthy, decision.MissingModules, decision.Action, decision.DefaultBefore, decision.DefaultAfter,
        decision.LastHealthyKernel, decision.Repair, decision.Applied, decision.Summary, decision.Time);

    public KernelGuardDecision ToDecision(string root) =>
        new(KernelVersion, IsHealthy, MissingModules ?? Array.Empty<string>(), Action, DefaultBefore, DefaultAfter, LastHealthyKernel, Repair ?? string.Empty, Applied, Summary ?? string.Empty, Time, root);
}
