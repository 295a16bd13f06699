namespace KmodPS.Boot;

/// <summary>The facts the default-kernel planner decides on.</summary>
/// <param name="Programs">Which boot tools are installed (name to path), e.g. grubby, grub2-editenv, grub-set-default, bootctl.</param>
/// <param name="GrubDefaultFileText">The text of the file that sets GRUB_DEFAULT, when it has to be edited.</param>
public sealed record DefaultKernelRequest(
    string KernelVersion,
    BootEntry Entry,
    BootLoaderSetup Setup,
    bool Once,
    bool Force,
    bool IsHostRoot,
    string RootPath,
    IReadOnlyDictionary<string, string> Programs,
    string? GrubDefaultFileText);
