namespace KmodPS.Core.Repair;

/// <summary>One out-of-tree module (kernel module name) on one installed kernel: the unit Repair-KernelModule reports on.</summary>
public sealed record RepairPair(string Name, string KernelVersion);
