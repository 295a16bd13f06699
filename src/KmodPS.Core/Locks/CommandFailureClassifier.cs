using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>Turns a failed lock command into the failure users can act on: another package manager holds the lock, the plugin is missing, or the change was refused.</summary>
public static class CommandFailureClassifier
{
    public static Failure Classify(CommandResult result, LockStore store, string kernel)
    {
        var output = (result.StandardError + "\n" + result.StandardOutput).Trim();
        if (IsLocked(result, store, output))
        {
            return LockFailures.PackageManagerLocked(kernel, result.Request.DisplayText, FirstLines(output));
        }
        if (store == LockStore.DnfVersionlockList && VersionlockPlugin.IsMissingIn(output))
        {
            return LockFailures.PluginMissing(kernel);
        }
        var reason = result.TimedOut ? $"timed out after {result.Request.Timeout}" : $"exit code {result.ExitCode}";
        return LockFailures.NotApplied(kernel, $"{result.Request.DisplayText} failed ({reason}): {FirstLines(output)}");
    }

    /// <summary>True when the output says another process holds the package manager's lock.</summary>
    public static bool IsLocked(CommandResult result, LockStore store, string output) => store switch
    {
        LockStore.DnfVersionlockList => result.ExitCode == 200 || output.Contains("already locked by", StringComparison.Ordinal),
        LockStore.DnfVersionlockToml => output.Contains("Failed to obtain", StringComparison.OrdinalIgnoreCase) && output.Contains("lock", StringComparison.OrdinalIgnoreCase)
            || output.Contains("already locked", StringComparison.OrdinalIgnoreCase),
        LockStore.DpkgHold => output.Contains("Could not get lock", StringComparison.Ordinal)
            || output.Contains("Unable to acquire the dpkg frontend lock", StringComparison.Ordinal)
            || output.Contains("lock was locked by another process", StringComparison.Ordinal)
            || output.Contains("dpkg status database is locked", StringComparison.Ordinal),
        LockStore.ZyppLocks => result.ExitCode == 7 || output.Contains("System management is locked", StringComparison.Ordinal),
        _ => false,
    };

    private static string FirstLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" ", lines.Take(3));
    }
}
