using KmodPS.Core.Platform;

namespace KmodPS.Core.Dkms;

/// <summary>
/// When the headers/kbuild a module builds against last changed: the newest of the files a module build
/// consumes (.config, Module.symvers, generated headers, modpost and the signing tool). A DKMS build older
/// than this is stale even when the kernel version did not change (dkms#364).
/// </summary>
internal static class HeadersChange
{
    private static readonly string[] BuildInputs =
    {
        ".config", "Module.symvers", "include/generated/autoconf.h", "include/generated/utsrelease.h",
        "include/config/auto.conf", "scripts/mod/modpost", "scripts/basic/fixdep", "scripts/sign-file", "Makefile",
    };

    /// <summary>The newest build input and its time, or null when the headers are absent.</summary>
    public static (string File, DateTime ChangedUtc)? Read(ISystemRoot root, string headersPath)
    {
        (string, DateTime)? newest = null;
        foreach (var input in BuildInputs)
        {
            var path = TreePath.Combine(headersPath, input);
            if (!root.FileExists(path))
            {
                continue;
            }
            var changed = root.GetLastWriteTimeUtc(path);
            if (newest is null || changed > newest.Value.Item2)
            {
                newest = (path, changed);
            }
        }
        return newest;
    }
}
