using KmodPS.Core.Kernels;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>The running kernel's release, from /proc; only meaningful for the host's own root.</summary>
internal static class RunningKernel
{
    public static string? Read(ISystemRoot root)
    {
        if (!root.IsHostRoot)
        {
            return null;
        }
        try
        {
            var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            return KernelRelease.IsValid(release) ? release : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
