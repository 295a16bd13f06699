using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>Where a root's rpm database is, and how every rpm query names it.</summary>
internal static class RpmDatabase
{
    public static bool IsPresent(ISystemRoot root) =>
        root.DirectoryExists("/var/lib/rpm") && root.ListDirectory("/var/lib/rpm").Count > 0
        || root.DirectoryExists("/usr/lib/sysimage/rpm") && root.ListDirectory("/usr/lib/sysimage/rpm").Count > 0;

    /// <summary>The database directory inside the root: <c>/usr/lib/sysimage/rpm</c> when it has content, else <c>/var/lib/rpm</c>.</summary>
    public static string Path(ISystemRoot root) =>
        root.DirectoryExists("/usr/lib/sysimage/rpm") && root.ListDirectory("/usr/lib/sysimage/rpm").Count > 0 ? "/usr/lib/sysimage/rpm" : "/var/lib/rpm";

    /// <summary>The arguments that start every rpm query of the root: <c>[--root R] --dbpath &lt;db&gt;</c>.</summary>
    public static IReadOnlyList<string> Arguments(ISystemRoot root)
    {
        var arguments = new List<string>();
        if (!root.IsHostRoot)
        {
            arguments.AddRange(new[] { "--root", root.RootPath });
        }
        // Name the database: rpm built for other distributions (Debian's keeps ~/.rpmdb) would otherwise look elsewhere.
        arguments.AddRange(new[] { "--dbpath", Path(root) });
        return arguments;
    }

    /// <summary>
    /// The <c>.rpmmacros</c> of a private HOME for dnf under an alternate root: rpm built for other distributions
    /// (Debian's keeps <c>~/.rpmdb</c>) ignores the installroot's database otherwise.
    /// </summary>
    public static (string FileName, string Text) PrivateHomeMacros(string databasePath) => (".rpmmacros", $"%_dbpath {databasePath}\n");

    /// <summary>The <c>PackageDatabaseUnavailable</c> failure: "Cannot read the rpm database under R: detail".</summary>
    public static Failure Unavailable(ISystemRoot root, FailureCategory category, string detail) =>
        new(ErrorIds.PackageDatabaseUnavailable, category, $"Cannot read the rpm database under {root.RootPath}: {detail}", root.RootPath);
}
