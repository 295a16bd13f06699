using System.Collections;
using System.Management.Automation.Language;
using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Hosts;
using KmodPS.Core.Modules;

namespace KmodPS.Completion;

/// <summary>Completes -Name with the out-of-tree modules known under the bound -Root: module files and DKMS modules.</summary>
public sealed class ModuleNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        var root = CompletionRoot.From(fakeBoundParameters);
        var scanner = new KernelModuleScanner(root);
        var log = new DiagnosticLog();
        var names = new InstalledKernelReader(root).Read().Items
            .SelectMany(k => scanner.Scan(k.KernelVersion, log).OutOfTree.Select(m => m.Name))
            .Concat(new DkmsTreeReader(root).Read().Items.SelectMany(e => e.Conf?.DestModuleNames ?? Array.Empty<string>()).Select(n => n.Replace('-', '_')));
        return names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
