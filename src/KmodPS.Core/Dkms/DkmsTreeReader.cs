using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Dkms;

/// <summary>
/// Reads the DKMS tree directly, with dkms's own rules: a version is added when it has a <c>source</c>;
/// built for (kernel, arch) when <c>module/</c> holds every DEST_MODULE_NAME of its dkms.conf; installed when
/// <c>&lt;module&gt;/kernel-&lt;kernel&gt;-&lt;arch&gt;</c> links to that build.
/// </summary>
public sealed partial class DkmsTreeReader
{
    public const string DefaultTree = "/var/lib/dkms";

    private readonly ISystemRoot _root;
    private readonly string _tree;

    public DkmsTreeReader(ISystemRoot root, string tree = DefaultTree)
    {
        _root = root;
        _tree = tree;
    }

    public Report<DkmsEntry> Read()
    {
        var log = new DiagnosticLog();
        var entries = new List<DkmsEntry>();
        foreach (var module in _root.ListDirectory(_tree))
        {
            var moduleDirectory = TreePath.Combine(_tree, module);
            if (!_root.DirectoryExists(moduleDirectory) || _root.IsSymbolicLink(moduleDirectory))
            {
                continue;
            }
            foreach (var version in _root.ListDirectory(moduleDirectory))
            {
                var versionDirectory = TreePath.Combine(moduleDirectory, version);
                if (version.StartsWith("kernel-", StringComparison.Ordinal) || version == "original_module"
                    || _root.IsSymbolicLink(versionDirectory) || !_root.DirectoryExists(versionDirectory))
                {
                    continue;
                }
                entries.AddRange(ReadVersion(module, version, versionDirectory, log));
            }
        }
        return log.ToReport<DkmsEntry>(entries);
    }

    private IEnumerable<DkmsEntry> ReadVersion(string module, string version, string versionDirectory, DiagnosticLog log)
    {
        var sourceLink = TreePath.Combine(versionDirectory, "source");
        if (!_root.IsSymbolicLink(sourceLink) && !_root.DirectoryExists(sourceLink))
        {
            yield break;
        }
        var source = _root.ResolvePath(sourceLink);
        var conf = ReadConf(source, module, version, log);
        var builds = new List<DkmsEntry>();
        foreach (var kernel in _root.ListDirectory(versionDirectory).Where(k => KernelDirectory().IsMatch(k)))
        {
            foreach (var arch in _root.ListDirectory(TreePath.Combine(versionDirectory, kernel)))
            {
                if (ReadBuild(module, version, kernel, arch, source, conf) is { } build)
                {
                    builds.Add(build);
                }
            }
        }
        if (builds.Count == 0)
        {
            // dkms removes build/ after a successful build and leaves it behind when the build fails.
            var failedLog = TreePath.Combine(versionDirectory, "build/make.log");
            yield return new DkmsEntry(module, version, null, null, DkmsState.Added, source, Array.Empty<string>(),
                _root.FileExists(failedLog) ? failedLog : null, null, null, conf);
        }
        foreach (var build in builds)
        {
            yield return build;
        }
    }

    private DkmsEntry? ReadBuild(string module, string version, string kernel, string arch, string? source, DkmsConf? conf)
    {
        var buildDirectory = TreePath.Combine(_tree, $"{module}/{version}/{kernel}/{arch}");
        var moduleDirectory = TreePath.Combine(buildDirectory, "module");
        if (!_root.DirectoryExists(moduleDirectory) || conf is null)
        {
            return null;
        }
        var files = _root.ListDirectory(moduleDirectory);
        var built = new List<string>();
        foreach (var name in conf.DestModuleNames)
        {
            var file = ModuleFileReader.Suffixes.Select(s => name + s).FirstOrDefault(f => files.Contains(f));
            if (file is null)
            {
                return null;
            }
            built.Add(TreePath.Combine(moduleDirectory, file));
        }
        var installedLink = TreePath.Combine(_tree, $"{module}/kernel-{kernel}-{arch}");
        var installed = _root.IsSymbolicLink(installedLink) && _root.ResolvePath(installedLink) == buildDirectory;
        var makeLog = TreePath.Combine(buildDirectory, "log/make.log");
        return new DkmsEntry(module, version, kernel, arch, installed ? DkmsState.Installed : DkmsState.Built, source, built,
            _root.FileExists(makeLog) ? makeLog : null, BuildTime(built, makeLog), null, conf);
    }

    // dkms writes make.log during the build and the modules at its end: the build time is the newest of them.
    private DateTime? BuildTime(IEnumerable<string> builtModules, string makeLog)
    {
        var times = builtModules.Append(makeLog).Where(_root.FileExists).Select(_root.GetLastWriteTimeUtc).ToList();
        return times.Count > 0 ? times.Max() : null;
    }

    private DkmsConf? ReadConf(string? source, string module, string version, DiagnosticLog log)
    {
        var path = source is null ? null : TreePath.Combine(source, "dkms.conf");
        if (path is null || !_root.FileExists(path))
        {
            log.Warn($"DKMS {module}/{version}: dkms.conf not found (source {source ?? "missing"}); its builds cannot be verified.");
            return null;
        }
        try
        {
            var conf = DkmsConf.Parse(_root.ReadAllText(path));
            if (conf.Problem is { } problem)
            {
                log.Warn($"{_root.MapPath(path)} cannot be parsed: {problem}. dkms cannot build or install {module}/{version} with it.");
            }
            return conf;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {_root.MapPath(path)}: {e.Message}");
            return null;
        }
    }

    // dkms's glob for kernel directories is +([0-9]).*
    [GeneratedRegex(@"^[0-9]+\..*")]
    private static partial Regex KernelDirectory();
}
