namespace KmodPS.Core.Repair;

/// <summary>
/// How the tools are invoked for one root. <see cref="DkmsCommand"/> is the argument vector prefix that runs dkms
/// (plain <c>/usr/sbin/dkms</c> on the host; <c>unshare ... chroot &lt;root&gt; /usr/sbin/dkms</c> for another
/// root); null with <see cref="DkmsProblem"/> saying why dkms cannot run.
/// </summary>
public sealed record RepairTools(
    IReadOnlyList<string>? DkmsCommand,
    string? DkmsProblem,
    bool CompilerPresent,
    string? PackageTool,
    string? ReleaseVersion);
