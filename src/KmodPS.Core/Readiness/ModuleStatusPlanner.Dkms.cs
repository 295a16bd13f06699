using KmodPS.Core.Dkms;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;

namespace KmodPS.Core.Readiness;

/// <summary>
/// The DKMS rows of a kernel, as <c>dkms status</c> has them: one per module, version and kernel (and per module file
/// of that version), never merged with another package's row of the same module name. An installed row carries the file
/// on disk and says when it is not the build dkms recorded; a version not built for the kernel is Added, or Excluded
/// when its BUILD_EXCLUSIVE directives rule the kernel out. No row advises a dkms command that fails or downgrades.
/// </summary>
internal static partial class ModuleStatusPlanner
{
    /// <summary>The kernel's DKMS rows; the module files they stand for go into <paramref name="claimed"/>.</summary>
    private static List<Row> FromDkms(ModuleStatusInput input, DkmsIndex index, InstalledKernel kernel, KernelModuleTree? tree, ISet<ScannedModule> claimed)
    {
        var rows = new List<Row>();
        var files = tree?.OutOfTree.Where(f => f.Location != ModuleLocation.WeakUpdates).ToList() ?? new List<ScannedModule>();
        var here = index.For(kernel.KernelVersion);
        foreach (var entry in here.Where(e => e.State is DkmsState.Installed or DkmsState.InstalledWeak))
        {
            foreach (var built in entry.BuiltModules)
            {
                var name = ModuleFileInfo.NameFromPath(built);
                var candidates = files.Where(f => f.Name == name).OrderBy(f => f.Location == ModuleLocation.Updates ? 0 : 1).ToList();
                var same = candidates.FirstOrDefault(f => SameBytes(input, built, f.Path));
                if ((same ?? candidates.FirstOrDefault()) is not { } file)
                {
                    // dkms install refuses a version it records as installed (exit 5), --force or not: uninstall first.
                    var reason = $"DKMS records {entry.Module}/{entry.Version} as installed for {kernel.KernelVersion}, but no {name} module is in /lib/modules/{kernel.KernelVersion} "
                        + $"(dkms status: WARNING! Diff between built and installed module!): reinstall it ('dkms uninstall {entry.Module}/{entry.Version} -k {kernel.KernelVersion}' then 'dkms install {entry.Module}/{entry.Version} -k {kernel.KernelVersion}').";
                    rows.Add(DkmsRow(input, kernel, entry, name, ModuleState.Broken, reason, built));
                    continue;
                }
                claimed.Add(file);
                rows.Add(FromFile(input, kernel, tree!, file, entry, same is null ? NotTheBuild(input, here, entry, name, file) : null));
            }
        }
        foreach (var entry in here.Where(e => e.State == DkmsState.Built))
        {
            foreach (var built in entry.BuiltModules)
            {
                var name = ModuleFileInfo.NameFromPath(built);
                var stale = Stale(input, kernel, entry);
                var reason = stale ?? $"DKMS {entry.Module}/{entry.Version} is built for {kernel.KernelVersion} but not installed"
                    + InstallAdvice(input, kernel, entry.Module, entry.Version, name, built, files);
                rows.Add(DkmsRow(input, kernel, entry, name, stale is null ? ModuleState.Built : ModuleState.Stale, reason, built));
            }
        }
        // Versions with nothing for this kernel: Added when never built anywhere (built elsewhere only, Missing says what to do).
        foreach (var version in index.Versions.Where(v => !v.Kernels.Contains(kernel.KernelVersion)).Select(v => v.Entries))
        {
            var entry = version.First();
            var conf = version.Select(e => e.Conf).FirstOrDefault(c => c is not null);
            var exclusion = BuildExclusion.Of(conf, kernel.KernelVersion, input.KernelOptions?.GetValueOrDefault(kernel.KernelVersion));
            if (exclusion is null && entry.State != DkmsState.Added)
            {
                continue;
            }
            foreach (var name in (conf?.DestModuleNames ?? new[] { entry.Module }).Select(n => n.Replace('-', '_')))
            {
                rows.Add(exclusion is not null
                    ? DkmsRow(input, kernel, entry, name, ModuleState.Excluded, $"DKMS {entry.Module}/{entry.Version} is not for {kernel.KernelVersion}: {exclusion}, so dkms will not build it there (exit 77). Nothing to do.", null)
                    : DkmsRow(input, kernel, entry, name, ModuleState.Added, AddedReason(input, kernel, entry, name, files), null));
            }
        }
        return rows;
    }

    /// <summary>The DKMS entries by kernel and by module version, in their order, grouped once for every kernel's rows.</summary>
    private sealed class DkmsIndex
    {
        private readonly ILookup<string?, DkmsEntry> _byKernel;

        public DkmsIndex(IReadOnlyList<DkmsEntry> entries)
        {
            _byKernel = entries.ToLookup(e => e.KernelVersion, StringComparer.Ordinal);
            Versions = entries.GroupBy(e => (e.Module, e.Version))
                .Select(g => (g.ToList(), g.Select(e => e.KernelVersion).OfType<string>().ToHashSet(StringComparer.Ordinal)))
                .ToList();
        }

        /// <summary>Each module version's entries, with the kernels it has an entry for.</summary>
        public IReadOnlyList<(List<DkmsEntry> Entries, HashSet<string> Kernels)> Versions { get; }

        public List<DkmsEntry> For(string kernel) => _byKernel[kernel].ToList();
    }

    private static Row DkmsRow(ModuleStatusInput input, InstalledKernel kernel, DkmsEntry entry, string name, ModuleState state, string reason, string? path) =>
        new(kernel, Status(input, kernel, name, entry.Version, ModuleProvider.Dkms, state, reason, $"{entry.Module}/{entry.Version}", path, null, null), entry.Module);

    private static string AddedReason(ModuleStatusInput input, InstalledKernel kernel, DkmsEntry entry, string name, IReadOnlyList<ScannedModule> files)
    {
        var head = $"DKMS {entry.Module}/{entry.Version} is added but not built for {kernel.KernelVersion}";
        if (entry.MakeLogPath is { } log)
        {
            return $"{head}: its last build failed (see {log}); installing it fails the same way until the build is fixed.";
        }
        return kernel.HasHeaders ? head + InstallAdvice(input, kernel, entry.Module, entry.Version, name, null, files) : $"{head}: its headers are not installed either.";
    }

    // dkms install keeps a module file of the same name whose version is newer or equal (check_version_sanity), yet records
    // the install: the advice is given only when it would put this build in place, or when the file in place is this build.
    private static string InstallAdvice(ModuleStatusInput input, InstalledKernel kernel, string module, string version, string name, string? built, IReadOnlyList<ScannedModule> files)
    {
        var install = $"'dkms install {module}/{version} -k {kernel.KernelVersion}'";
        foreach (var file in files.Where(f => f.Name == name))
        {
            if (built is not null && SameBytes(input, built, file.Path))
            {
                return $"; {file.Path} is this build already, so {install} only records it as installed.";
            }
            var owner = InstalledOwner(input, kernel, file);
            var present = owner?.Version ?? file.Info?.Version;
            if (present is not null && KernelVersionComparer.Instance.Compare(present, version) >= 0)
            {
                var who = owner is null ? file.Path : $"{owner.Module}/{owner.Version}";
                return $"; {who} provides {name} there at version {present}, which installing {module}/{version} would not replace (dkms keeps a newer or equal module). Nothing to do.";
            }
        }
        return $": {install}.";
    }

    private static string NotTheBuild(ModuleStatusInput input, IReadOnlyList<DkmsEntry> here, DkmsEntry entry, string name, ScannedModule file)
    {
        var head = $"{file.Path} is not the build DKMS recorded for {entry.Module}/{entry.Version} (dkms status: WARNING! Diff between built and installed module!)";
        var owner = here.Where(e => e != entry)
            .FirstOrDefault(e => e.BuiltModules.Any(p => ModuleFileInfo.NameFromPath(p) == name && SameBytes(input, p, file.Path)));
        return owner is not null
            ? $"{head}: it is {owner.Module}/{owner.Version}'s build, and that is what the kernel loads."
            : $"{head}: it was replaced outside DKMS. If that copy is not wanted, 'dkms uninstall {entry.Module}/{entry.Version} -k {file.KernelVersion}' then 'dkms install {entry.Module}/{entry.Version} -k {file.KernelVersion}' puts DKMS's build back.";
    }

    // The installed DKMS build whose file this is, if any.
    private static DkmsEntry? InstalledOwner(ModuleStatusInput input, InstalledKernel kernel, ScannedModule file) =>
        input.Dkms.FirstOrDefault(e => e.KernelVersion == kernel.KernelVersion && e.State is DkmsState.Installed or DkmsState.InstalledWeak
            && e.BuiltModules.Any(p => ModuleFileInfo.NameFromPath(p) == file.Name && SameBytes(input, p, file.Path)));

    private static bool SameBytes(ModuleStatusInput input, string built, string installed) => input.SameBytes?.Invoke(built, installed) ?? true;
}
