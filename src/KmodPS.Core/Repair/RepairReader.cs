using KmodPS.Core.Diagnostics;
using KmodPS.Core.Dkms;
using KmodPS.Core.Hosts;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Readiness;
using KmodPS.Core.Platform;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Repair;

/// <summary>
/// Gathers the planner's input for a root from a module-status snapshot: how dkms runs there (and why it cannot),
/// whether a compiler is present, and, only when a kmod package is missing on a dnf host, one <c>dnf repoquery</c>
/// for the candidates. Reads only.
/// </summary>
internal sealed class RepairReader
{
    private static readonly string[] DkmsPaths = { "/usr/sbin/dkms", "/usr/bin/dkms", "/sbin/dkms" };
    private static readonly string[] Compilers = { "/usr/bin/gcc", "/usr/bin/cc", "/usr/bin/clang" };

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public RepairReader(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    public RepairInput Read(ModuleStatusSnapshot snapshot, IReadOnlyList<RepairPair> pairs, DiagnosticLog log)
    {
        var (dkms, problem) = Dkms();
        var packageTool = new DnfQuery(_root, _runner).Tool;
        var (repository, repositoryProblem) = Repository(snapshot, pairs, log);
        var tools = new RepairTools(dkms, problem, Compilers.Any(_root.FileExists), packageTool, ReleaseVersion());
        return new RepairInput(_root.RootPath, _root.IsHostRoot, snapshot.Host.Family, snapshot.Kernels, snapshot.Rows, snapshot.Dkms, pairs, tools,
            repository, repositoryProblem, snapshot.SecureBoot.Mode == SecureBootMode.Enabled, DkmsSigningCertificate.FindPath(_root), InstallOnlyPackages());
    }

    private (IReadOnlyList<string>? Command, string? Problem) Dkms()
    {
        if (_root.IsHostRoot)
        {
            return _runner.FindProgram("dkms") is { } host
                ? (DkmsCommands.Invocation(_root.RootPath, true, host), null)
                : (null, "dkms is not installed on this host (not on PATH): install the dkms package.");
        }
        var inside = DkmsPaths.FirstOrDefault(_root.FileExists);
        if (inside is null)
        {
            return (null, $"{_root.RootPath} has no /usr/sbin/dkms. Repair-KernelModule runs dkms inside the root (chroot), so the root must be a complete system "
                + "with dkms, make and a compiler installed (for example a mounted system image), not a bare file tree.");
        }
        var interpreter = Interpreter(inside);
        if (interpreter is not null && !_root.FileExists(interpreter))
        {
            return (null, $"{_root.RootPath} has {inside} but not its interpreter {interpreter}, so dkms cannot run inside it with chroot: "
                + "the root must be a complete system (for example a mounted system image), not a bare file tree.");
        }
        foreach (var tool in new[] { "unshare", "chroot" })
        {
            if (_runner.FindProgram(tool) is null)
            {
                return (null, $"'{tool}' (util-linux/coreutils) is not on PATH: it is needed to run dkms inside {_root.RootPath}.");
            }
        }
        if (!_root.DirectoryExists("/proc") || !_root.FileExists("/dev/null"))
        {
            return (null, $"{_root.RootPath} has no /proc directory or no /dev/null: dkms needs both inside the root. Create /proc and bind-mount /dev into the root "
                + $"(mount --rbind /dev {_root.RootPath}/dev) first.");
        }
        return (DkmsCommands.Invocation(_root.RootPath, false, inside), null);
    }

    private string? Interpreter(string script)
    {
        try
        {
            using var stream = _root.OpenRead(script);
            var buffer = new byte[128];
            var read = stream.Read(buffer, 0, buffer.Length);
            var line = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0];
            return line.StartsWith("#!", StringComparison.Ordinal) ? line[2..].Trim().Split(' ')[0] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private (IReadOnlyList<RepositoryPackage>?, string?) Repository(ModuleStatusSnapshot snapshot, IReadOnlyList<RepairPair> pairs, DiagnosticLog log)
    {
        var missing = pairs.Where(p => snapshot.Rows.Any(r => r.Name == p.Name && r.KernelVersion == p.KernelVersion && r.Provider == ModuleProvider.KmodPackage && r.State == ModuleState.Missing)
                && !snapshot.Rows.Any(r => r.Name == p.Name && r.KernelVersion == p.KernelVersion && r.State == ModuleState.Installed))
            .Select(p => p.Name).Distinct().ToList();
        if (missing.Count == 0 || snapshot.Host.Family != HostFamily.RedHat)
        {
            return (null, null);
        }
        var stems = snapshot.Rows.Where(r => missing.Contains(r.Name) && r.Provider == ModuleProvider.KmodPackage && r.Package is not null)
            .Select(r => Nevra.Name(r.Package!)).Distinct().ToList();
        var specs = stems.Concat(stems.Select(s => s + "-*")).Concat(missing.Select(n => $"kmod-{n.Replace('_', '-')}*")).Distinct().ToList();
        // A failed query is reported once, by the pairs it blocks (RepositoryProblem), not also as an error of the root.
        var query = new DiagnosticLog();
        var snapshotOfRepository = PackageBackend.Of(_root).Rpm(_runner).Query(specs, offline: false, query);
        foreach (var warning in query.Warnings)
        {
            log.Warn(warning);
        }
        return snapshotOfRepository is null
            ? (null, query.Failures.Select(f => f.Message).FirstOrDefault() ?? "the repository query failed")
            : (snapshotOfRepository.Available, null);
    }

    // dnf 4 appends installonlypkgs from [main] of /etc/dnf/dnf.conf to its defaults (commas or spaces between names).
    private IReadOnlyList<string> InstallOnlyPackages()
    {
        const string path = "/etc/dnf/dnf.conf";
        if (!_root.FileExists(path))
        {
            return Array.Empty<string>();
        }
        var section = string.Empty;
        var names = new List<string>();
        foreach (var raw in _root.ReadAllText(path).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim();
                continue;
            }
            var equals = line.IndexOf('=');
            if (section == "main" && equals > 0 && line[..equals].Trim() == "installonlypkgs")
            {
                names.AddRange(line[(equals + 1)..].Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return names;
    }

    private string? ReleaseVersion()
    {
        if (_root.IsHostRoot || !_root.FileExists("/etc/os-release"))
        {
            return null;
        }
        return OsRelease.Parse(_root.ReadAllText("/etc/os-release")).TryGetValue("VERSION_ID", out var version) ? version.Split('.')[0] : null;
    }
}
