namespace KmodPS.Core.Models;

/// <summary>Why a module will not be there for a kernel, or what the update does to it, and the concrete next step.</summary>
public sealed class KernelUpdateProblem
{
    public KernelUpdateProblem(string module, ModuleProvider provider, string reason, string remediation, bool blocking = true)
    {
        Module = module;
        Provider = provider;
        Reason = reason;
        Remediation = remediation;
        Blocking = blocking;
    }

    public string Module { get; }

    public ModuleProvider Provider { get; }

    public string Reason { get; }

    public string Remediation { get; }

    /// <summary>
    /// True when the problem makes Test-KernelUpdate false: a module missing for a kernel the update installs, or the
    /// next-boot or running kernel losing a module. False for a warning, such as a fallback kernel losing its module.
    /// </summary>
    public bool Blocking { get; }

    public override string ToString() => $"{Module}: {Reason}";
}
