using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// GRUB 2 whose <c>grub.cfg</c> lists the entries itself (Debian and Ubuntu's <c>10_linux</c>: a plain entry for the
/// newest kernel, then a submenu "Advanced options" with a normal and a recovery entry per kernel).
/// </summary>
internal sealed class GrubClassicConfiguration(ISystemRoot root, GrubLayout layout) : IBootLoaderConfiguration
{
    /// <summary>Where this GRUB keeps its configuration and environment block.</summary>
    public GrubLayout Layout => layout;

    public BootLoaderKind Kind => layout.Kind;

    public IReadOnlyList<BootEntry> ReadEntries(DiagnosticLog log) => Flatten(ReadMenu(log)).ToList();

    public NextBoot Resolve(DiagnosticLog log) => new GrubNextBoot(root, layout).Resolve(ReadMenu(log), "menu entry", log);

    private IReadOnlyList<GrubMenuNode> ReadMenu(DiagnosticLog log)
    {
        if (layout.ConfigPath is not { } path)
        {
            return Array.Empty<GrubMenuNode>();
        }
        IReadOnlyList<GrubMenuNode> menu;
        try
        {
            menu = GrubMenuParser.Parse(root.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return Array.Empty<GrubMenuNode>();
        }
        Attach(menu, prefix: null, path);
        return menu;
    }

    private static void Attach(IEnumerable<GrubMenuNode> level, string? prefix, string source)
    {
        foreach (var node in level)
        {
            var component = GrubDefaultSelector.EscapeComponent(node.Id ?? node.Title);
            var menuPath = prefix is null ? component : prefix + ">" + component;
            if (node.IsSubmenu)
            {
                Attach(node.Children, menuPath, source);
                continue;
            }
            var recovery = (node.Id?.Contains("-recovery-", StringComparison.Ordinal) ?? false)
                || node.Title.Contains("recovery mode", StringComparison.OrdinalIgnoreCase)
                || KernelImageName.IsRescue(node.LinuxPath);
            var kernel = KernelImageName.FromPath(node.LinuxPath);
            node.Entry = new BootEntry(node.Id ?? node.Title, node.Title, kernel, node.LinuxPath, source)
            {
                MenuPath = menuPath,
                IsRecovery = recovery,
            };
        }
    }

    private static IEnumerable<BootEntry> Flatten(IEnumerable<GrubMenuNode> level) =>
        level.SelectMany(n => n.IsSubmenu ? Flatten(n.Children) : new[] { n.Entry! });
}
