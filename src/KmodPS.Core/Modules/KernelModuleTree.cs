namespace KmodPS.Core.Modules;

/// <summary>The out-of-tree modules of one kernel plus the vermagic its in-tree modules carry.</summary>
public sealed record KernelModuleTree(string KernelVersion, IReadOnlyList<ScannedModule> OutOfTree, string? ReferenceVermagic, ModuleFileInfo? ReferenceModule);
