namespace KmodPS.Core.Modules;

/// <summary>A module loaded in the running kernel, from /proc/modules and /sys/module.</summary>
internal sealed record LoadedModule(string Name, bool OutOfTree, string? SrcVersion);
