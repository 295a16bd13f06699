using KmodPS.Core.Changes;
using KmodPS.Core.Kernels;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// dnf 4 and dnf 5 versionlock command lines for a root. With an alternate root, dnf 4's versionlock plugin would
/// open its <c>locklist</c> on the host (it ignores --installroot), so a temporary plugin configuration directory
/// (<c>--setopt=pluginconfpath=</c>) points <c>locklist</c> at the root's file, and a temporary HOME's
/// <c>.rpmmacros</c> names the root's rpm database (rpm built for other distributions looks elsewhere).
/// Repositories and other plugins are disabled: pins resolve installed packages, excludes are written raw.
/// </summary>
public static class DnfLockCommands
{
    public static CommandAction Dnf4Add(LockSnapshot snapshot, RpmPackage package) =>
        Dnf4(snapshot, new[] { "versionlock", "add", package.Nevra });

    /// <summary><c>versionlock exclude --raw</c>: written as given, no repository lookup.</summary>
    public static CommandAction Dnf4Exclude(LockSnapshot snapshot, string spec) =>
        Dnf4(snapshot, new[] { "versionlock", "exclude", "--raw", spec });

    public static CommandAction Dnf5Add(LockSnapshot snapshot, RpmPackage package) =>
        Dnf5(snapshot, new[] { "--disable-repo=*", "versionlock", "add", package.Nevra });

    /// <summary>dnf 5 resolves the spec against the repositories (every available package of the release).</summary>
    public static CommandAction Dnf5Exclude(LockSnapshot snapshot, string spec) =>
        Dnf5(snapshot, new[] { "versionlock", "exclude", spec });

    public static CommandAction Dnf5Delete(LockSnapshot snapshot, string name) =>
        Dnf5(snapshot, new[] { "--disable-repo=*", "versionlock", "delete", name });

    /// <summary>The dnf 4 exclude spec of a release: every kernel subpackage of that version-release, any arch.</summary>
    public static string? ExcludeSpec(string kernelVersion, bool withArch)
    {
        var versionRelease = KernelRelease.WithoutArch(kernelVersion);
        var dash = versionRelease.IndexOf('-');
        if (dash <= 0 || dash == versionRelease.Length - 1)
        {
            return null;
        }
        return withArch ? $"kernel*-{versionRelease}.*" : $"kernel*-{versionRelease}";
    }

    private static CommandAction Dnf4(LockSnapshot snapshot, IEnumerable<string> command)
    {
        var arguments = new List<string>();
        var files = new List<TemporaryFile>();
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        if (!snapshot.IsHostRoot)
        {
            arguments.Add("--installroot=" + snapshot.RootPath);
            if (snapshot.ReleaseVersion is { } release)
            {
                arguments.Add("--releasever=" + release);
            }
            arguments.Add("--setopt=pluginconfpath=" + snapshot.TemporaryDirectory);
            files.Add(new TemporaryFile(Path.Combine(snapshot.TemporaryDirectory, "versionlock.conf"),
                $"[main]\nenabled = 1\nlocklist = {snapshot.VersionlockListToolPath ?? snapshot.MapPath(snapshot.Stores.VersionlockListPath)}\n"));
            files.AddRange(RootHome(snapshot, environment));
        }
        arguments.AddRange(new[] { "--disableplugin=*", "--enableplugin=versionlock", "--disablerepo=*", "--setopt=exit_on_lock=True", "-q" });
        arguments.AddRange(command);
        var request = new CommandRequest(snapshot.Program ?? "dnf", arguments) { Environment = environment, Timeout = TimeSpan.FromMinutes(5) };
        return CommandAction.Of(LockStore.DnfVersionlockList, request, files);
    }

    private static CommandAction Dnf5(LockSnapshot snapshot, IEnumerable<string> command)
    {
        var arguments = new List<string>();
        var files = new List<TemporaryFile>();
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        if (!snapshot.IsHostRoot)
        {
            arguments.Add("--installroot=" + snapshot.RootPath);
            if (snapshot.ReleaseVersion is { } release)
            {
                arguments.Add("--releasever=" + release);
            }
            files.AddRange(RootHome(snapshot, environment));
        }
        arguments.Add("-q");
        arguments.AddRange(command);
        var request = new CommandRequest(snapshot.Program ?? "dnf5", arguments) { Environment = environment, Timeout = TimeSpan.FromMinutes(5) };
        return CommandAction.Of(LockStore.DnfVersionlockToml, request, files);
    }

    private static IEnumerable<TemporaryFile> RootHome(LockSnapshot snapshot, Dictionary<string, string> environment)
    {
        environment["HOME"] = snapshot.TemporaryDirectory;
        var macros = RpmDatabase.PrivateHomeMacros(snapshot.RpmDatabasePath);
        yield return new TemporaryFile(Path.Combine(snapshot.TemporaryDirectory, macros.FileName), macros.Text);
    }
}
