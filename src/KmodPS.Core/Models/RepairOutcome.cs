namespace KmodPS.Models;

/// <summary>What Repair-KernelModule did for one module on one kernel.</summary>
public enum RepairOutcome
{
    /// <summary>The commands ran and the module now reads back as Installed for the kernel.</summary>
    Repaired,

    /// <summary>The repair was attempted or is impossible here (headers, package, build failure); the message says why.</summary>
    Failed,

    /// <summary>Deliberately not done (an untrusted key to enrol, a package that would replace another kernel's module, not confirmed).</summary>
    Skipped,

    /// <summary>The module is already installed for the kernel.</summary>
    NothingToDo,
}
