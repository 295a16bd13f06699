namespace KmodPS.Core.Models;

/// <summary>The verdict for one candidate kernel: will every module the host needs be there?</summary>
public sealed class KernelUpdateCheck
{
    public KernelUpdateCheck(string kernelVersion, UpdateSource source, IReadOnlyList<KernelUpdateProblem> problems, string referenceKernel, bool isNextBootKernel, string root)
    {
        KernelVersion = kernelVersion;
        Source = source;
        Problems = problems.ToArray();
        ReferenceKernel = referenceKernel;
        IsNextBootKernel = isNextBootKernel;
        Root = root;
    }

    public string KernelVersion { get; }

    public UpdateSource Source { get; }

    /// <summary>True when no module the host needs is missing for this kernel.</summary>
    public bool Ready => Problems.Length == 0;

    public KernelUpdateProblem[] Problems { get; }

    /// <summary>The kernel whose modules define what the host needs (the running kernel, or the newest healthy one).</summary>
    public string ReferenceKernel { get; }

    public bool IsNextBootKernel { get; }

    public string Root { get; }

    public override string ToString() => $"{KernelVersion} {(Ready ? "ready" : "not ready")}";
}
