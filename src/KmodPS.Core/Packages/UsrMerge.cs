namespace KmodPS.Core.Packages;

/// <summary>On merged-/usr systems <c>/lib</c> and <c>/usr/lib</c> are one directory, while package databases may record either.</summary>
internal static class UsrMerge
{
    private static readonly string[] MergedDirectories = { "/lib/", "/lib64/", "/bin/", "/sbin/" };

    public static string Canonical(string path) =>
        MergedDirectories.Any(d => path.StartsWith(d, StringComparison.Ordinal)) ? "/usr" + path : path;
}
