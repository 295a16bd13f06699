using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Infrastructure;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;

namespace KmodPS.Commands;

/// <summary>One row per out-of-tree module and installed kernel, with state, trust and the next boot's verdict.</summary>
[Cmdlet(VerbsCommon.Get, "KernelModuleStatus")]
[OutputType(typeof(ModuleStatus))]
public sealed class GetKernelModuleStatusCommand : PSCmdlet, IDisposable
{
    private readonly Dictionary<string, ModuleStatusSnapshot> _snapshots = new(StringComparer.Ordinal);
    private VerboseCommandRunner? _runner;

    /// <summary>Kernel releases to report (wildcards allowed); all installed kernels when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>Module names to report (wildcards allowed). An exact name also finds an in-tree module.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModuleNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only rows from these providers.</summary>
    [Parameter]
    public ModuleProvider[]? Provider { get; set; }

    /// <summary>Only the kernel that boots next.</summary>
    [Parameter]
    public SwitchParameter NextBoot { get; set; }

    /// <summary>Only rows whose state is not Installed or Built.</summary>
    [Parameter]
    public SwitchParameter Problem { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        var root = RootResolver.Resolve(this, Root);
        if (KernelVersionFilter.FromParameter(this, KernelVersion) is not { } kernels)
        {
            return;
        }
        var snapshot = Snapshot(root);
        var selectedKernels = snapshot.Kernels.Where(k => kernels.Matches(k.KernelVersion)).Select(k => k.KernelVersion).ToHashSet(StringComparer.Ordinal);
        foreach (var notFound in kernels.Unmatched(root.RootPath))
        {
            WriteError(notFound);
        }
        if (NextBoot && snapshot.NextBoot.KernelVersion is null)
        {
            WriteWarning($"The kernel that boots next cannot be determined under {root.RootPath}: {snapshot.NextBoot.Explanation}");
        }
        var names = (Name ?? Array.Empty<string>()).Select(n => new WildcardPattern(n.Replace('-', '_'), WildcardOptions.IgnoreCase)).ToList();
        var rows = snapshot.Rows
            .Where(r => selectedKernels.Contains(r.KernelVersion))
            .Where(r => names.Count == 0 || names.Any(n => n.IsMatch(r.Name)))
            .Concat(InTreeRowsForExplicitNames(root, snapshot, selectedKernels))
            .Where(r => Provider is not { Length: > 0 } || Provider.Contains(r.Provider))
            .Where(r => !NextBoot || r.IsNextBootKernel)
            .Where(r => !Problem || r.IsProblem);
        foreach (var row in rows)
        {
            WriteObject(row);
        }
    }

    private ModuleStatusSnapshot Snapshot(ISystemRoot root)
    {
        if (_snapshots.TryGetValue(root.RootPath, out var cached))
        {
            return cached;
        }
        var snapshot = new ModuleStatusReader(root, _runner!).Read();
        DiagnosticOutput.Write(this, snapshot.Log);
        _snapshots[root.RootPath] = snapshot;
        return snapshot;
    }

    // In-tree modules are never listed unless asked for by their exact name.
    private IEnumerable<ModuleStatus> InTreeRowsForExplicitNames(ISystemRoot root, ModuleStatusSnapshot snapshot, HashSet<string> kernels)
    {
        foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            var normalized = name.Replace('-', '_');
            foreach (var kernel in snapshot.Kernels.Where(k => kernels.Contains(k.KernelVersion)))
            {
                if (snapshot.Rows.Any(r => r.KernelVersion == kernel.KernelVersion && r.Name == normalized)
                    || InTreeModuleLookup.Find(root, kernel.KernelVersion, normalized) is not { } module)
                {
                    continue;
                }
                var trusted = module.Info is null ? (bool?)null : snapshot.SecureBoot.IsTrusted(module.Info.Signature);
                yield return new ModuleStatus(normalized, module.Info?.Version, kernel.KernelVersion, ModuleProvider.Kernel,
                    module.Info is null ? ModuleState.Broken : ModuleState.Installed,
                    module.Info is null ? $"{module.Path}: {module.Error}" : $"In-tree module shipped with {kernel.KernelVersion}.",
                    kernel.Package, module.Path, module.Info?.Vermagic, module.Info?.SrcVersion, module.Info?.Signature?.Signer,
                    module.Info?.Signature?.KeyId, trusted, null, kernel.IsRunning, kernel.KernelVersion == snapshot.NextBoot.KernelVersion, root.RootPath);
            }
        }
    }

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
