namespace KmodPS.Core.Models;

/// <summary>What Repair-KernelModule did for one module on one kernel.</summary>
public enum RepairOutcome
{
    /// <summary>The commands ran and the module now reads back as Installed for the kernel.</summary>
    Repaired,

    /// <summary>The commands ran and did not repair the module (exit code, timeout, or it does not read back as Installed); the message says why.</summary>
    Failed,

    /// <summary>Deliberately not done (an untrusted key to enrol, a package that would replace another kernel's module, not confirmed).</summary>
    Skipped,

    /// <summary>The module is already installed for the kernel.</summary>
    NothingToDo,

    /// <summary>
    /// Not attempted, because something the repair needs is missing or wrong here (the kernel's headers, dkms, a compiler, the
    /// DKMS source, the package in an enabled repository, a package manager); nothing was run, and the message says what to
    /// install or do. The same under -WhatIf and without it.
    /// </summary>
    Blocked,
}
