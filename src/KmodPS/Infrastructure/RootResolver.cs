using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>Resolves the -Root parameter (PowerShell paths such as TestDrive:/h allowed) to a system root.</summary>
internal static class RootResolver
{
    /// <returns>False with a <c>RootNotFound</c> record (KmodCommand.ResolveRoot decides whether it terminates).</returns>
    public static bool TryResolve(PSCmdlet cmdlet, string? root, [NotNullWhen(true)] out ISystemRoot? systemRoot, [NotNullWhen(false)] out ErrorRecord? error)
    {
        systemRoot = null;
        error = null;
        if (string.IsNullOrEmpty(root) || root == "/")
        {
            systemRoot = DirectorySystemRoot.Host;
            return true;
        }
        string path;
        try
        {
            path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            error = RootNotFound(root, $"The root '{root}' cannot be resolved: {e.Message}");
            return false;
        }
        if (!Directory.Exists(path))
        {
            error = RootNotFound(root, $"The root '{root}' does not exist or is not a directory.");
            return false;
        }
        systemRoot = new DirectorySystemRoot(path);
        return true;
    }

    private static ErrorRecord RootNotFound(string root, string message) =>
        ErrorRecordFactory.Create(ErrorIds.RootNotFound, FailureCategory.ObjectNotFound, message, root);
}
