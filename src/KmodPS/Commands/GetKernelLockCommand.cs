using System.Management.Automation;
using KmodPS.Completion;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Infrastructure;

namespace KmodPS.Commands;

/// <summary>Lists kernel-related package locks from the host's lock stores.</summary>
[Cmdlet(VerbsCommon.Get, "KernelLock")]
[OutputType(typeof(KernelLock))]
public sealed class GetKernelLockCommand : PSCmdlet, IDisposable
{
    private VerboseCommandRunner? _runner;

    /// <summary>Only locks that concern these kernel releases (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    /// <summary>The system root to read instead of <c>/</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Root { get; set; }

    protected override void BeginProcessing() => _runner = new VerboseCommandRunner(WriteVerbose);

    protected override void ProcessRecord()
    {
        var root = RootResolver.Resolve(this, Root);
        if (KernelVersionFilter.FromParameter(this, KernelVersion) is not { } filter)
        {
            return;
        }
        var log = new DiagnosticLog();
        var snapshot = new LockSnapshotReader(root, _runner!).Read(log, readPackages: false);
        log.Warnings.ToList().ForEach(WriteWarning);
        LockTraps.Detect(snapshot, locking: false).ToList().ForEach(WriteWarning);
        foreach (var entry in snapshot.Entries)
        {
            var kernelLock = entry.ToKernelLock(snapshot.Records.Any(r => r.Matches(entry)), root.RootPath);
            if (filter.IsEmpty || kernelLock.KernelVersion is { } version && (filter.Matches(version) || KernelRelease.Arch(version) is null && AnyArchMatches(filter, version)))
            {
                WriteObject(kernelLock);
            }
        }
    }

    // A lock written without architecture (dnf's ".*") matches a filter given in uname -r form.
    private static bool AnyArchMatches(KernelVersionFilter filter, string version) =>
        new[] { "x86_64", "aarch64", "ppc64le", "s390x" }.Any(arch => filter.Matches(version + "." + arch));

    protected override void StopProcessing() => _runner?.Stop();

    public void Dispose() => _runner?.Dispose();
}
