using KmodPS.Core.Changes;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>Runs a native command from its argument vector (never a shell); <see cref="LockAction.Description"/> is the command line with its extra environment.</summary>
public sealed record CommandAction(LockStore Store, CommandRequest Request, IReadOnlyList<TemporaryFile> TemporaryFiles, string Description)
    : LockAction(Store, Description)
{
    public static CommandAction Of(LockStore store, CommandRequest request, IReadOnlyList<TemporaryFile>? temporaryFiles = null)
    {
        var files = temporaryFiles ?? Array.Empty<TemporaryFile>();
        var environment = request.Environment.Where(e => e.Key != "LC_ALL").Select(e => $"{e.Key}={ShellQuote.Quote(e.Value)} ");
        return new CommandAction(store, request, files, string.Concat(environment) + request.DisplayText);
    }
}
