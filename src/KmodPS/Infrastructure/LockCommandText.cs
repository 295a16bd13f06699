using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Infrastructure;

/// <summary>The texts Lock-Kernel and Unlock-Kernel show for -WhatIf, -Confirm and -Verbose.</summary>
internal static class LockCommandText
{
    /// <summary>The ShouldProcess description: what changes, then every temporary file, command and edit on its own line.</summary>
    public static string Describe(string operation, LockPlan plan, ISystemRoot root)
    {
        var lines = plan.Describe().Select(l => "  " + l).ToList();
        var state = root.MapPath(LockStateFile.Path);
        lines.Add($"  record the change in {state} (backup {state}.bak)");
        var where = root.IsHostRoot ? string.Empty : $" under {root.RootPath}";
        return $"{operation}{where}:\n{string.Join('\n', lines)}";
    }
}
