namespace KmodPS.Core.Models;

/// <summary>The verdict of the kernel update guard for one kernel (Invoke-KernelUpdateGuard; kept in guard.json).</summary>
public sealed class KernelGuardDecision
{
    public KernelGuardDecision(
        string kernelVersion, bool isHealthy, IReadOnlyList<string> missingModules, GuardAction action, string? defaultBefore, string? defaultAfter,
        string? lastHealthyKernel, string repair, bool applied, string summary, DateTime time, string root)
    {
        KernelVersion = kernelVersion;
        IsHealthy = isHealthy;
        MissingModules = missingModules.ToArray();
        Action = action;
        DefaultBefore = defaultBefore;
        DefaultAfter = defaultAfter;
        LastHealthyKernel = lastHealthyKernel;
        Repair = repair;
        Applied = applied;
        Summary = summary;
        Time = time;
        Root = root;
    }

    /// <summary>The kernel that was checked (usually the one just installed).</summary>
    public string KernelVersion { get; }

    /// <summary>True when every module the host needs is installed (and trusted) for it.</summary>
    public bool IsHealthy { get; }

    /// <summary>The modules that are not right for it, with their state (<c>nvidia (Missing)</c>).</summary>
    public string[] MissingModules { get; }

    public GuardAction Action { get; }

    /// <summary>The kernel that was going to boot next before the guard acted.</summary>
    public string? DefaultBefore { get; }

    /// <summary>The kernel that boots next after the guard acted (read back).</summary>
    public string? DefaultAfter { get; }

    /// <summary>The newest installed kernel that has every module the host needs.</summary>
    public string? LastHealthyKernel { get; }

    /// <summary>NotRequested; Ran, or Ran with n error(s): the first; Skipped (-WhatIf, declined); Failed: why nothing could run.</summary>
    public string Repair { get; }

    /// <summary>False when the decision was not carried out (-WhatIf, a declined -Confirm, or a failure).</summary>
    public bool Applied { get; }

    /// <summary>One sentence for logs: what was found and what was done.</summary>
    public string Summary { get; }

    /// <summary>When the decision was made (UTC).</summary>
    public DateTime Time { get; }

    public string Root { get; }

    public override string ToString() => Summary;
}
