using System.Collections;
using System.Management.Automation.Language;
using System.Management.Automation;
using KmodPS.Core.Hosts;

namespace KmodPS.Completion;

/// <summary>Completes -KernelVersion with the kernels installed under the bound -Root (a directory listing, no processes).</summary>
public sealed class KernelVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = KernelCompletionResults.Prefix(wordToComplete);
        var report = new InstalledKernelReader(CompletionRoot.From(fakeBoundParameters)).Read();
        return report.Items
            .Where(k => KernelCompletionResults.Matches(k.KernelVersion, prefix))
            .Reverse()
            .Select(KernelCompletionResults.Installed);
    }
}
