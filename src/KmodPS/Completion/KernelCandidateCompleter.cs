using System.Collections;
using System.Management.Automation.Language;
using System.Management.Automation;
using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Completion;

/// <summary>
/// Completes a kernel release that need not be installed (Test-KernelUpdate -KernelVersion, Lock-Kernel -Exclude):
/// the kernels installed under the bound -Root, newest first, then the releases the repositories offer according
/// to the package manager's cached metadata, newest first. No process runs and nothing is downloaded.
/// </summary>
public sealed class KernelCandidateCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = KernelCompletionResults.Prefix(wordToComplete);
        var root = CompletionRoot.From(fakeBoundParameters);
        var installed = new InstalledKernelReader(root).Read().Items.Reverse().ToList();
        var candidates = CachedCandidates(root)
            .Where(c => !installed.Any(k => KernelRelease.Same(k.KernelVersion, c.KernelVersion)));
        return installed.Where(k => KernelCompletionResults.Matches(k.KernelVersion, prefix)).Select(KernelCompletionResults.Installed)
            .Concat(candidates.Where(c => KernelCompletionResults.Matches(c.KernelVersion, prefix)).Select(KernelCompletionResults.Candidate))
            .ToList();
    }

    // Completion never fails: a test root whose answer file cannot be read offers its installed kernels only.
    private static IReadOnlyList<CachedKernelCandidate> CachedCandidates(ISystemRoot root)
    {
        try
        {
            return PackageBackend.Of(root).CachedKernelCandidates();
        }
        catch (InvalidDataException)
        {
            return Array.Empty<CachedKernelCandidate>();
        }
    }
}
