using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// One <c>dnf repoquery</c> (dnf4, dnf5 or yum's dnf) for kernel packages and kmod candidates, with their
/// requires and provides, honouring an alternate root (<c>--installroot</c>, the root's repo files). Excludes and
/// versionlock are off: the caller applies them.
/// </summary>
internal sealed class DnfQuery(ISystemRoot root, ICommandRunner runner) : IRpmRepository
{
    private const string RecordMark = "@@KMODPS@@";
    private const string QueryFormat = RecordMark + "%{name}|%{version}|%{release}|%{arch}|%{reponame}\n@R\n%{requires}\n@P\n%{provides}\n";

    public string? Tool => new[] { "dnf", "dnf5", "yum" }.FirstOrDefault(t => runner.FindProgram(t) is not null);

    /// <summary>Available packages matching the specs; null with a failure logged when dnf is absent or fails.</summary>
    public RepositorySnapshot? Query(IEnumerable<string> packageSpecs, bool offline, DiagnosticLog log)
    {
        if (Tool is not { } tool)
        {
            log.Fail(new Failure(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, "No dnf, dnf5 or yum on this machine: repository candidates cannot be checked.", root.RootPath));
            return null;
        }
        try
        {
            RootJail.For(root).RequireSameForPrefixTools(PrefixToolDirectories.Dnf);
        }
        catch (PathOutsideRootException e)
        {
            log.Fail(new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, root.RootPath));
            return null;
        }
        // Not root: dnf could not write the root's cache, var/tmp or logs, so it gets private ones, removed after.
        var privateDirectory = ProcessPrivileges.EffectiveUserId() is 0 ? null : TemporaryDirectories.Create().FullName;
        try
        {
            return Query(tool, packageSpecs, offline, privateDirectory, log);
        }
        finally
        {
            if (privateDirectory is not null)
            {
                TemporaryDirectories.Delete(privateDirectory);
            }
        }
    }

    private RepositorySnapshot? Query(string tool, IEnumerable<string> packageSpecs, bool offline, string? privateDirectory, DiagnosticLog log)
    {
        var arguments = new List<string>();
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        if (privateDirectory is not null)
        {
            // Without --installroot (dnf would put cachedir, persistdir and logdir under the root): the root's configuration,
            // repositories and variables are named one by one, and the state directories are private.
            if (!root.IsHostRoot)
            {
                var jail = RootJail.For(root);
                if (root.FileExists(DnfConfiguration.ConfigPath))
                {
                    arguments.Add("--config=" + jail.ToolPath(DnfConfiguration.ConfigPath));
                }
                arguments.Add("--setopt=reposdir=" + jail.ToolPath(DnfConfiguration.ReposDirectory));
                arguments.Add("--setopt=varsdir=" + jail.ToolPath("/etc/dnf/vars") + "," + jail.ToolPath("/etc/yum/vars"));
                if (root.FileExists("/etc/os-release") && VersionId() is { } privateRelease)
                {
                    arguments.Add("--releasever=" + privateRelease);
                }
            }
            var cache = Path.Combine(privateDirectory, "cache");
            if (offline)
            {
                CopyCache(cache);
            }
            arguments.AddRange(new[] { "--setopt=cachedir=" + cache, "--setopt=persistdir=" + Path.Combine(privateDirectory, "persist"), "--setopt=logdir=" + Path.Combine(privateDirectory, "log") });
            environment["HOME"] = privateDirectory;
            environment["TMPDIR"] = privateDirectory;
        }
        else if (!root.IsHostRoot)
        {
            // dnf prefixes cachedir/logdir with the installroot itself; only the repo files must be pointed into the root.
            arguments.AddRange(new[] { "--installroot", root.RootPath, "--setopt=reposdir=" + RootJail.For(root).ToolPath(DnfConfiguration.ReposDirectory) });
            if (root.FileExists("/etc/os-release") && VersionId() is { } release)
            {
                arguments.Add("--releasever=" + release);
            }
        }
        if (offline)
        {
            arguments.Add("--cacheonly");
        }
        // Every repository package, whatever excludes and versionlock say: Test-KernelUpdate applies those itself
        // (UpdateHolds), so that it can list the kernels they hold back and name what holds them.
        arguments.AddRange(tool == "dnf5" ? new[] { "--setopt=disable_excludes=*" } : new[] { "--disableexcludes=all", "--disableplugin=versionlock" });
        arguments.AddRange(new[] { "-q", "repoquery", "--queryformat", QueryFormat });
        arguments.AddRange(packageSpecs);
        CommandResult result;
        try
        {
            result = runner.Run(new CommandRequest(tool, arguments) { Timeout = TimeSpan.FromMinutes(3), Environment = environment });
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, e.Message, root.RootPath));
            return null;
        }
        if (!result.Succeeded)
        {
            var message = result.TimedOut ? "timed out" : result.StandardError.Trim();
            log.Fail(new Failure(ErrorIds.PackageQueryFailed, FailureCategory.ResourceUnavailable,
                $"{result.Request.DisplayText} failed (exit {result.ExitCode}): {message}", root.RootPath,
                "If the metadata is not cached, run 'dnf makecache' or retry without -Offline; if another dnf holds the lock, retry when it has finished."));
            return null;
        }
        return new RepositorySnapshot(tool, Parse(result.StandardOutput), Array.Empty<string>());
    }

    /// <summary>-Offline without root: the root's cached metadata, copied (what cannot be read is left out).</summary>
    private void CopyCache(string destination)
    {
        foreach (var cache in RepodataKernelCandidates.DnfCacheDirectories.Where(root.DirectoryExists).Take(1))
        {
            var source = root.MapPath(cache);
            foreach (var file in SafeFiles(source))
            {
                try
                {
                    var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(file, target);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static IEnumerable<string> SafeFiles(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    public static IReadOnlyList<RepositoryPackage> Parse(string output)
    {
        var packages = new List<RepositoryPackage>();
        foreach (var record in output.Split(RecordMark, StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = record.Split('\n');
            var head = lines[0].Split('|');
            if (head.Length < 5)
            {
                continue;
            }
            var requires = new List<string>();
            var provides = new List<string>();
            List<string>? current = null;
            foreach (var line in lines.Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                current = line switch { "@R" => requires, "@P" => provides, _ => current };
                if (line is not ("@R" or "@P"))
                {
                    current?.Add(line);
                }
            }
            packages.Add(new RepositoryPackage(head[0], head[1], head[2], head[3], head[4], requires, provides));
        }
        return packages.DistinctBy(p => (p.Nevra, p.Repository)).ToList();
    }

    private string? VersionId() =>
        OsRelease.Parse(root.ReadAllText("/etc/os-release")).TryGetValue("VERSION_ID", out var v) ? v.Split('.')[0] : null;
}
