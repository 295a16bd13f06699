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
        // The listings' own entry types stand for DirectoryExists and IsSymbolicLink: a tree of 500 kernels x 20
        // modules has 10,000 builds, and each look-up of a path costs system calls.
        foreach (var module in _root.ListEntries(_tree).Where(e => e.Kind == RootEntryKind.Directory))
        {
            var moduleDirectory = TreePath.Combine(_tree, module.Name);
            var moduleEntries = _root.ListEntries(moduleDirectory);
            foreach (var version in moduleEntries.Where(e => e.Kind == RootEntryKind.Directory))
            {
                if (version.Name.StartsWith("kernel-", StringComparison.Ordinal) || version.Name == "original_module")
                {
                    continue;
                }
                entries.AddRange(ReadVersion(module.Name, version.Name, TreePath.Combine(moduleDirectory, version.Name), moduleEntries, log));
            }
        }
        return log.ToReport<DkmsEntry>(entries);
    }

    private IEnumerable<DkmsEntry> ReadVersion(string module, string version, string versionDirectory, IReadOnlyList<RootEntry> moduleEntries, DiagnosticLog log)
    {
        var versionEntries = _root.ListEntries(versionDirectory);
        if (!versionEntries.Any(e => e.Name == "source" && e.Kind is RootEntryKind.Link or RootEntryKind.Directory))
        {
            yield break;
        }
        var source = _root.ResolvePath(TreePath.Combine(versionDirectory, "source"));
        var conf = ReadConf(source, module, version, log);
        var installedLinks = moduleEntries.Where(e => e.Kind == RootEntryKind.Link && e.Name.StartsWith("kernel-", StringComparison.Ordinal))
            .Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var builds = new List<DkmsEntry>();
        foreach (var kernel in versionEntries.Select(e => e.Name).Where(k => KernelDirectory().IsMatch(k)))
        {
            foreach (var arch in _root.ListDirectory(TreePath.Combine(versionDirectory, kernel)))
            {
                if (ReadBuild(module, version, kernel, arch, source, conf, installedLinks) is { } build)
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

    /// <param name="installedLinks">The names of the links in the module's directory (<c>kernel-&lt;kernel&gt;-&lt;arch&gt;</c>).</param>
    private DkmsEntry? ReadBuild(string module, string version, string kernel, string arch, string? source, DkmsConf? conf, IReadOnlySet<string> installedLinks)
    {
        if (conf is null)
        {
            return null;
        }
        var buildDirectory = TreePath.Combine(_tree, $"{module}/{version}/{kernel}/{arch}");
        var moduleDirectory = TreePath.Combine(buildDirectory, "module");
        // Each name looked up rather than the directory listed: usually one lstat (.ko) instead of four system calls,
        // and nothing more once the directory is found missing.
        var built = new List<string>();
        foreach (var name in conf.DestModuleNames)
        {
            var file = ModuleFileReader.Suffixes.Select(s => TreePath.Combine(moduleDirectory, name + s)).FirstOrDefault(_root.FileExists);
            if (file is null)
            {
                return null;
            }
            built.Add(file);
        }
        var installedLink = $"kernel-{kernel}-{arch}";
        var installed = installedLinks.Contains(installedLink) && _root.ResolvePath(TreePath.Combine(_tree, $"{module}/{installedLink}")) == buildDirectory;
        var makeLog = TreePath.Combine(buildDirectory, "log/make.log");
        var makeLogExists = _root.FileExists(makeLog);
        return new DkmsEntry(module, version, kernel, arch, installed ? DkmsState.Installed : DkmsState.Built, source, built,
            makeLogExists ? makeLog : null, BuildTime(built, makeLogExists ? makeLog : null), null, conf);
    }

    // dkms writes make.log during the build and the modules at its end: the build time is the newest of them.
    private DateTime? BuildTime(IEnumerable<string> builtModules, string? makeLog)
    {
        var times = builtModules.Where(_root.FileExists).Append(makeLog).OfType<string>().Select(_root.GetLastWriteTimeUtc).ToList();
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
