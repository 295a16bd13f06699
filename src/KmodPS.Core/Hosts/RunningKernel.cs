using KmodPS.Kernels;
using KmodPS.Platform;

namespace KmodPS.Hosts;

/// <summary>The running kernel's release, from /proc; only meaningful for the host's own root.</summary>
public static class RunningKernel
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
            return KernelVersion.IsValid(release) ? release : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
