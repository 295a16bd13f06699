namespace KmodPS.Core.Modules;

/// <summary>A module loaded in the running kernel, from /proc/modules and /sys/module.</summary>
public sealed record LoadedModule(string Name, bool OutOfTree, string? SrcVersion);
