using System.Collections;
using KmodPS.Core.Platform;

namespace KmodPS.Completion;

/// <summary>The root a completer reads: the -Root already typed on the command line (a plain path), else /.</summary>
internal static class CompletionRoot
{
    public static ISystemRoot From(IDictionary fakeBoundParameters)
    {
        var root = fakeBoundParameters["Root"]?.ToString();
        return !string.IsNullOrEmpty(root) && Directory.Exists(root) ? new DirectorySystemRoot(root) : DirectorySystemRoot.Host;
    }
}
