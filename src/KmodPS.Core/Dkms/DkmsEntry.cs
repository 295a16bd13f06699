namespace KmodPS.Core.Dkms;

/// <summary>
/// One line of <c>dkms status</c>, read from the tree: a module version that is added, or its build for a
/// kernel and architecture. <see cref="BuiltModules"/> are paths inside the root. <see cref="MakeLogPath"/> is the
/// build's make.log; for an added version, the one a failed build left behind.
/// </summary>
public sealed record DkmsEntry(
    string Module,
    string Version,
    string? KernelVersion,
    string? Arch,
    DkmsState State,
    string? SourcePath,
    IReadOnlyList<string> BuiltModules,
    string? MakeLogPath,
    DateTime? BuiltAtUtc,
    string? WeakFromKernel,
    DkmsConf? Conf);
