namespace KmodPS.Core.Boot;

/// <summary>
/// Reads the menu structure of a generated <c>grub.cfg</c>: <c>menuentry</c> and <c>submenu</c> blocks with their
/// titles, <c>--id</c> / <c>$menuentry_id_option</c> ids and the image of each entry's <c>linux</c> command.
/// Other blocks (functions) are skipped; the script is not run.
/// </summary>
internal static class GrubMenuParser
{
    private static readonly string[] LinuxCommands = { "linux", "linux16", "linuxefi" };
    private static readonly string[] XenModuleCommands = { "module", "module2" };

    public static IReadOnlyList<GrubMenuNode> Parse(string text)
    {
        var top = new List<GrubMenuNode>();
        var frames = new Stack<GrubMenuNode?>();
        foreach (var rawLine in text.Split('\n'))
        {
            var words = GrubScriptWords.Split(rawLine);
            if (words.Count == 0)
            {
                continue;
            }
            var opensBlock = words[^1].Is("{");
            if (opensBlock && (words[0].Is("menuentry") || words[0].Is("submenu")) && words.Count >= 3)
            {
                var node = new GrubMenuNode(words[1].Text, FindId(words), words[0].Is("submenu"));
                (CurrentSubmenu(frames)?.Children ?? top).Add(node);
                frames.Push(node);
                continue;
            }
            if (opensBlock)
            {
                frames.Push(null);
                continue;
            }
            if (words[0].Is("}"))
            {
                if (frames.Count > 0)
                {
                    frames.Pop();
                }
                continue;
            }
            if (frames.Count > 0 && frames.Peek() is { IsSubmenu: false, LinuxPath: null } entry && words.Count >= 2)
            {
                if (LinuxCommands.Any(words[0].Is))
                {
                    entry.LinuxPath = words[1].Text;
                }
                else if (XenModuleCommands.Any(words[0].Is))
                {
                    entry.LinuxPath = words.Skip(1).Select(w => w.Text).FirstOrDefault(w => KernelImageName.LooksLikeKernelImage(w));
                }
            }
        }
        return top;
    }

    private static GrubMenuNode? CurrentSubmenu(Stack<GrubMenuNode?> frames) =>
        frames.FirstOrDefault(f => f is { IsSubmenu: true });

    private static string? FindId(IReadOnlyList<GrubWord> words)
    {
        for (var i = 2; i < words.Count - 1; i++)
        {
            var word = words[i];
            if ((word.Is("--id") || word.Is("$menuentry_id_option") || word.Is("${menuentry_id_option}")) && i + 1 < words.Count - 1)
            {
                return words[i + 1].Text;
            }
            if (!word.Quoted && word.Text.StartsWith("--id=", StringComparison.Ordinal))
            {
                return word.Text["--id=".Length..];
            }
        }
        return null;
    }
}
