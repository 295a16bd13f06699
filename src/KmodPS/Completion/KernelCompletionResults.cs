using System.Management.Automation;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;

namespace KmodPS.Completion;

/// <summary>Completion results for kernel releases: installed kernels with their facts, repository candidates marked as such.</summary>
internal static class KernelCompletionResults
{
    public static string Prefix(string wordToComplete) => wordToComplete.Trim('\'', '"');

    public static bool Matches(string kernelVersion, string prefix) => kernelVersion.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    public static CompletionResult Installed(InstalledKernel kernel)
    {
        var facts = new List<string> { "installed" };
        if (kernel.IsRunning)
        {
            facts.Add("running");
        }
        if (!kernel.HasHeaders)
        {
            facts.Add("no headers");
        }
        return Result(kernel.KernelVersion, string.Join(", ", facts));
    }

    public static CompletionResult Candidate(CachedKernelCandidate candidate) =>
        Result(candidate.KernelVersion, $"repository: {candidate.Package} from {candidate.Repository}");

    private static CompletionResult Result(string kernelVersion, string facts) =>
        new(kernelVersion, kernelVersion, CompletionResultType.ParameterValue, $"{kernelVersion} ({facts})");
}
