namespace KmodPS.Core.Models;

/// <summary>Why a module will not be there for a candidate kernel, and the concrete next step.</summary>
public sealed class KernelUpdateProblem
{
    public KernelUpdateProblem(string module, ModuleProvider provider, string reason, string remediation)
    {
        Module = module;
        Provider = provider;
        Reason = reason;
        Remediation = remediation;
    }

    public string Module { get; }

    public ModuleProvider Provider { get; }

    public string Reason { get; }

    public string Remediation { get; }

    public override string ToString() => $"{Module}: {Reason}";
}
