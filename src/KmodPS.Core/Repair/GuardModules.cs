using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Platform;
using KmodPS.Core.Readiness;

namespace KmodPS.Core.Repair;

/// <summary>
/// The guard's reads and its -Repair, on <see cref="ModuleStatusReader"/> and <see cref="KernelModuleRepair"/>: the
/// repair confirmed with the guard's own confirmation runs exactly the actions that confirmation listed.
/// </summary>
public sealed class GuardModules : IKernelModules
{
    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;
    private readonly KernelModuleRepair _repair;
    private readonly Dictionary<string, RepairRun> _planned = new(StringComparer.Ordinal);

    public GuardModules(ISystemRoot root, ICommandRunner runner, Action<string>? verbose = null)
    {
        _root = root;
        _runner = runner;
        _repair = new KernelModuleRepair(root, runner, runner, verbose);
    }

    public ModuleFacts Read()
    {
        var snapshot = new ModuleStatusReader(_root, _runner).Read();
        return new ModuleFacts(snapshot.Kernels, snapshot.Rows, snapshot.NextBoot);
    }

    public IReadOnlyList<string> PlanRepair(string kernel) => Planned(kernel).Changes.SelectMany(c => c.Plan.Describe()).ToList();

    public IReadOnlyList<Failure> Repair(string kernel)
    {
        var results = _repair.Apply(Planned(kernel), _ => true);
        return results.NotPermitted is { } notPermitted ? new[] { notPermitted } : results.Entries.Select(e => e.Error).OfType<Failure>().ToList();
    }

    private RepairRun Planned(string kernel)
    {
        if (!_planned.TryGetValue(kernel, out var run))
        {
            _planned[kernel] = run = _repair.Plan(KernelModuleRepair.NeedingRepairOn(kernel));
        }
        return run;
    }
}
