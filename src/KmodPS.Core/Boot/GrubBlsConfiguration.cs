using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// GRUB 2 with blscfg (RHEL 8/9, Fedora): the menu is the BLS entries in <c>/boot/loader/entries</c>, sorted newest
/// first by <see cref="BlsFileNameOrder"/>; <c>saved_entry</c> normally holds a BLS id. The default is read from
/// grubenv and the entries, never from grubby's index, which can disagree with what boots (oracle-linux#148).
/// </summary>
internal sealed class GrubBlsConfiguration(ISystemRoot root, GrubLayout layout) : IBootLoaderConfiguration
{
    public const string EntriesDirectory = "/boot/loader/entries";

    /// <summary>Where this GRUB keeps its configuration and environment block.</summary>
    public GrubLayout Layout => layout;

    public BootLoaderKind Kind => BootLoaderKind.GrubBls;

    public IReadOnlyList<BootEntry> ReadEntries(DiagnosticLog log) => ReadMenu(log).Select(n => n.Entry!).ToList();

    public NextBoot Resolve(DiagnosticLog log) =>
        new GrubNextBoot(root, layout).Resolve(ReadMenu(log), "BLS entry in blscfg's order (newest kernel first)", log);

    private List<GrubMenuNode> ReadMenu(DiagnosticLog log)
    {
        var nodes = new List<(string Id, GrubMenuNode Node)>();
        foreach (var name in root.ListDirectory(EntriesDirectory))
        {
            if (name.StartsWith('.') || !name.EndsWith(".conf", StringComparison.Ordinal) || name.Length <= ".conf".Length)
            {
                continue;
            }
            var path = TreePath.Combine(EntriesDirectory, name);
            BlsEntryFile file;
            try
            {
                file = BlsEntryFile.Parse(root.ReadAllText(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
                continue;
            }
            var linux = file.Get("linux");
            if (linux is null)
            {
                log.Warn($"{path} has no 'linux' line; GRUB's blscfg skips it.");
                continue;
            }
            var id = name[..^".conf".Length];
            var version = file.Get("version");
            var rescue = KernelImageName.IsRescue(id) || KernelImageName.IsRescue(version) || KernelImageName.IsRescue(linux);
            var kernel = rescue ? null : KernelImageName.Validate(version) ?? KernelImageName.FromPath(linux);
            var title = file.Get("title");
            var node = new GrubMenuNode(title ?? linux, id, isSubmenu: false) { LinuxPath = linux };
            node.Entry = new BootEntry(id, title, kernel, linux, path) { IsRecovery = rescue };
            nodes.Add((id, node));
        }
        return nodes.OrderBy(n => n.Id, BlsFileNameOrder.NewestFirst).Select(n => n.Node).ToList();
    }
}
