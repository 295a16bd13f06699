namespace KmodPS.Core.Models;

/// <summary>
/// The verdict for one kernel: will every module the host needs be there, does the update install it, and what the
/// package manager's transaction installs and removes for it.
/// </summary>
public sealed class KernelUpdateCheck
{
    public KernelUpdateCheck(
        string kernelVersion, UpdateSource source, IReadOnlyList<KernelUpdateProblem> problems, string referenceKernel, bool isNextBootKernel, string root,
        bool updateInstalls = false, string? heldBackBy = null, IReadOnlyList<string>? installs = null, IReadOnlyList<string>? removes = null)
    {
        KernelVersion = kernelVersion;
        Source = source;
        Problems = problems.ToArray();
        ReferenceKernel = referenceKernel;
        IsNextBootKernel = isNextBootKernel;
        Root = root;
        UpdateInstalls = updateInstalls;
        HeldBackBy = heldBackBy;
        Installs = (installs ?? Array.Empty<string>()).ToArray();
        Removes = (removes ?? Array.Empty<string>()).ToArray();
    }

    public string KernelVersion { get; }

    public UpdateSource Source { get; }

    /// <summary>True when no problem on this kernel is blocking (a warning-level problem, such as a fallback kernel losing a module, leaves it true).</summary>
    public bool Ready => Problems.All(p => !p.Blocking);

    public KernelUpdateProblem[] Problems { get; }

    /// <summary>The kernel whose modules define what the host needs (the running kernel, or the newest healthy one).</summary>
    public string ReferenceKernel { get; }

    public bool IsNextBootKernel { get; }

    public string Root { get; }

    /// <summary>
    /// True when the package manager's update installs this repository kernel. False for the kernels it skips (dnf
    /// installs only the newest version of a kernel package) or holds back, and for installed or named kernels.
    /// </summary>
    public bool UpdateInstalls { get; }

    /// <summary>The lock or exclude that keeps this kernel out of the update (with its date where the store records it), or null.</summary>
    public string? HeldBackBy { get; }

    /// <summary>The packages the update installs for this kernel (the kernel's packages, a kmod upgraded to a build for it).</summary>
    public string[] Installs { get; }

    /// <summary>The packages the update removes from this kernel (installonly_limit, a kmod replaced by a build for another kernel).</summary>
    public string[] Removes { get; }

    /// <summary>Whether this kernel decides Test-KernelUpdate's Boolean: installed or named kernels, and the repository kernels the update installs.</summary>
    public bool Decides => Source != UpdateSource.Repository || UpdateInstalls;

    public override string ToString() => $"{KernelVersion} {(Ready ? "ready" : "not ready")}";
}
