namespace KmodPS.Core.Models;

/// <summary>
/// The result of Repair-KernelModule for one out-of-tree module on one installed kernel, with the module's
/// status as read back after every repair of the root had run.
/// </summary>
public sealed class RepairResult
{
    public RepairResult(
        string name, string? moduleVersion, string kernelVersion, ModuleProvider provider, RepairOutcome outcome, string? package,
        IReadOnlyList<string> commands, int? exitCode, string? meaning, string? makeLogPath, string? makeLogTail, string message,
        ModuleStatus? status, string root)
    {
        Name = name;
        ModuleVersion = moduleVersion;
        KernelVersion = kernelVersion;
        Provider = provider;
        Outcome = outcome;
        Package = package;
        Commands = commands.ToArray();
        ExitCode = exitCode;
        Meaning = meaning;
        MakeLogPath = makeLogPath;
        MakeLogTail = makeLogTail;
        Message = message;
        Status = status;
        Root = root;
    }

    /// <summary>The module name as the kernel knows it (as in Get-KernelModuleStatus).</summary>
    public string Name { get; }

    /// <summary>The DKMS version built or installed, or the module version of the package.</summary>
    public string? ModuleVersion { get; }

    public string KernelVersion { get; }

    public ModuleProvider Provider { get; }

    public RepairOutcome Outcome { get; }

    /// <summary>The DKMS module/version (<c>v4l2loopback/0.12.7</c>) or the package NEVRA acted on.</summary>
    public string? Package { get; }

    /// <summary>The command lines that ran (or, when not run, that were planned), in order.</summary>
    public string[] Commands { get; }

    /// <summary>The exit code of the command that failed, 0 when all succeeded, null when nothing ran.</summary>
    public int? ExitCode { get; }

    /// <summary>What the exit code means (dkms: 10 build failed, 11 autoinstall failed, 21 headers missing, 77 excluded by BUILD_EXCLUSIVE).</summary>
    public string? Meaning { get; }

    /// <summary>The dkms build log inside the root: <c>/var/lib/dkms/&lt;m&gt;/&lt;v&gt;/&lt;k&gt;/&lt;arch&gt;/log/make.log</c> after a build, <c>/var/lib/dkms/&lt;m&gt;/&lt;v&gt;/build/make.log</c> after a failed one.</summary>
    public string? MakeLogPath { get; }

    /// <summary>The last lines of the failed build's make.log, read right after the failure (a later build of the same version overwrites that file).</summary>
    public string? MakeLogTail { get; }

    /// <summary>What happened, or exactly what is missing and what to do.</summary>
    public string Message { get; }

    /// <summary>The module's status for the kernel as read back after the repairs (null when no row describes it any more).</summary>
    public ModuleStatus? Status { get; }

    public string Root { get; }

    public override string ToString() => $"{Name} {KernelVersion} {Outcome}";
}
