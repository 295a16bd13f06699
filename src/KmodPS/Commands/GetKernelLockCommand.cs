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
public sealed class GetKernelLockCommand : KmodRootCommand
{
    /// <summary>Only locks that concern these kernel releases (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KernelVersionCompleter))]
    public string[]? KernelVersion { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveRoot(Root) is not { } root || KernelVersionFilter.FromParameter(this, KernelVersion) is not { } filter)
        {
            return;
        }
        var log = new DiagnosticLog();
        var snapshot = new LockSnapshotReader(root, Runner).Read(log, readPackages: false);
        log.Warnings.ToList().ForEach(WriteWarning);
        snapshot.Traps(locking: false).ToList().ForEach(WriteWarning);
        foreach (var kernelLock in KernelLockReader.Locks(snapshot))
        {
            if (filter.IsEmpty || kernelLock.KernelVersion is { } version && (filter.Matches(version) || KernelRelease.Arch(version) is null && AnyArchMatches(filter, version)))
            {
                WriteObject(kernelLock);
            }
        }
    }

    // A lock written without architecture (dnf's ".*") matches a filter given in uname -r form.
    private static bool AnyArchMatches(KernelVersionFilter filter, string version) =>
        new[] { "x86_64", "aarch64", "ppc64le", "s390x" }.Any(arch => filter.Matches(version + "." + arch));
}
