namespace KmodPS.Core.Models;

/// <summary>The kernel update guard of a system root: its hooks, options and recorded state (Get-KernelUpdateGuard).</summary>
public sealed class KernelUpdateGuard
{
    public KernelUpdateGuard(
        string root, HostFamily family, IReadOnlyList<GuardHookStatus> hooks, string? runnerPath, bool runnerExists, bool repair, bool promote,
        string statePath, string? stateContent, DateTime? installedAt, string? lastHealthyKernel, KernelGuardDecision? lastDecision)
    {
        Root = root;
        Family = family;
        Hooks = hooks.ToArray();
        RunnerPath = runnerPath;
        RunnerExists = runnerExists;
        Repair = repair;
        Promote = promote;
        StatePath = statePath;
        StateContent = stateContent;
        InstalledAt = installedAt;
        LastHealthyKernel = lastHealthyKernel;
        LastDecision = lastDecision;
    }

    public string Root { get; }

    public HostFamily Family { get; }

    /// <summary>True when every hook for this family is installed and current.</summary>
    public bool IsInstalled => Hooks.Length > 0 && Hooks.All(h => h.IsCurrent);

    public GuardHookStatus[] Hooks { get; }

    /// <summary>The runner the hooks call (absolute path inside the root).</summary>
    public string? RunnerPath { get; }

    /// <summary>True when the runner exists under the root or on this machine.</summary>
    public bool RunnerExists { get; }

    /// <summary>The hooks run Repair-KernelModule first.</summary>
    public bool Repair { get; }

    /// <summary>The hooks make a healthy new kernel the default.</summary>
    public bool Promote { get; }

    /// <summary>The state file inside the root (<c>/var/lib/kmodps/guard.json</c>).</summary>
    public string StatePath { get; }

    /// <summary>The state file's text, or null when there is none.</summary>
    public string? StateContent { get; }

    public DateTime? InstalledAt { get; }

    /// <summary>The newest kernel the guard last found healthy.</summary>
    public string? LastHealthyKernel { get; }

    /// <summary>The guard's last verdict.</summary>
    public KernelGuardDecision? LastDecision { get; }

    public override string ToString() => $"{Root} guard {(IsInstalled ? "installed" : "not installed")}";
}
