using KmodPS.Core.Platform;

namespace KmodPS.Core.Dkms;

/// <summary>
/// dkms status's own check (module_status_built_extra runs <c>diff -q</c>): an installed module file is the build dkms
/// recorded only when their bytes are equal. Anything else is its "WARNING! Diff between built and installed module!".
/// </summary>
public static class BuiltModuleComparer
{
    /// <summary>False only when both files are readable and differ; a file that cannot be read proves nothing.</summary>
    public static bool SameBytes(ISystemRoot root, string built, string installed)
    {
        try
        {
            if (!root.FileExists(built) || !root.FileExists(installed))
            {
                return true;
            }
            using var a = root.OpenRead(built);
            using var b = root.OpenRead(installed);
            if (a.Length != b.Length)
            {
                return false;
            }
            // One file under two names (a hard link): the same bytes without reading them.
            if (a is FileStream fa && b is FileStream fb && FileIdentity.Of(fa.SafeFileHandle) is { } identity && identity == FileIdentity.Of(fb.SafeFileHandle))
            {
                return true;
            }
            var left = new byte[81920];
            var right = new byte[81920];
            int read;
            while ((read = a.ReadAtLeast(left, left.Length, throwOnEndOfStream: false)) > 0)
            {
                if (b.ReadAtLeast(right, read, throwOnEndOfStream: false) != read || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
