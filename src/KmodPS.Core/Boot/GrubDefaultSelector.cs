namespace KmodPS.Core.Boot;

/// <summary>
/// Applies a value of GRUB's <c>default</c> variable to a menu the way <c>grub-core/normal/menu.c</c> does.
/// At each level the value selects an item by number, title or id (<see cref="MatchesPrefix"/>: only up to the first
/// <c>&gt;</c>, <c>&gt;&gt;</c> being a literal <c>&gt;</c>); entering a submenu keeps the text after that <c>&gt;</c>
/// as the submenu's default, or none (its first item). An unset or empty default selects the first item. A value that
/// matches nothing makes GRUB fall back to the first item; that is reported as a failure here instead.
/// </summary>
internal static class GrubDefaultSelector
{
    /// <param name="idFirst">
    /// The RHEL/Fedora GRUB order (patch "Fix menu entry selection based on ID and title", rhbz#1640979): ids first,
    /// then titles, then numbers. Upstream GRUB (Debian, Ubuntu) reads a leading number first, then titles and ids in menu order.
    /// </param>
    public static GrubMenuSelection Select(IReadOnlyList<GrubMenuNode> menu, string? value, bool idFirst)
    {
        var path = new List<GrubMenuNode>();
        var level = menu;
        var remaining = string.IsNullOrEmpty(value) ? null : value;
        while (true)
        {
            if (level.Count == 0)
            {
                return new GrubMenuSelection(path, path.Count == 0 ? "the menu has no entries" : $"submenu '{path[^1].Title}' is empty");
            }
            var index = 0;
            if (remaining is not null)
            {
                index = FindIndex(level, remaining, idFirst);
                if (index < 0)
                {
                    var where = path.Count == 0 ? "the top menu" : $"submenu '{path[^1].Title}'";
                    var what = remaining == value ? "it" : $"'{remaining}'";
                    return new GrubMenuSelection(path, $"{what} matches no item of {where} (GRUB would fall back to its first item, '{level[0].Title}')");
                }
            }
            var node = level[index];
            path.Add(node);
            if (!node.IsSubmenu)
            {
                return new GrubMenuSelection(path, null);
            }
            remaining = AfterFirstSeparator(remaining);
            level = node.Children;
        }
    }

    /// <summary>menu.c's <c>menuentry_eq</c>: the item's title or id equals the value up to its first unescaped <c>&gt;</c>.</summary>
    public static bool MatchesPrefix(string? name, string value)
    {
        if (name is null)
        {
            return false;
        }
        int i = 0, j = 0;
        while (true)
        {
            var v = At(value, j);
            if (v == '>' && At(value, j + 1) != '>')
            {
                return i == name.Length;
            }
            if (v == '>')
            {
                j++;
            }
            if (At(name, i) != At(value, j))
            {
                return false;
            }
            if (i == name.Length)
            {
                return true;
            }
            i++;
            j++;
        }
    }

    /// <summary>The text after the first unescaped <c>&gt;</c>, or null when there is none or nothing follows it.</summary>
    public static string? AfterFirstSeparator(string? value)
    {
        if (value is null)
        {
            return null;
        }
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '>' && At(value, i + 1) == '>')
            {
                i++;
                continue;
            }
            if (value[i] == '>')
            {
                return i + 1 < value.Length ? value[(i + 1)..] : null;
            }
        }
        return null;
    }

    /// <summary>Escapes a title or id for use in a <c>&gt;</c>-joined path.</summary>
    public static string EscapeComponent(string component) => component.Replace(">", ">>", StringComparison.Ordinal);

    private static int FindIndex(IReadOnlyList<GrubMenuNode> level, string value, bool idFirst)
    {
        if (idFirst)
        {
            var byId = IndexWhere(level, n => MatchesPrefix(n.Id, value));
            if (byId >= 0)
            {
                return byId;
            }
            var byTitle = IndexWhere(level, n => MatchesPrefix(n.Title, value));
            return byTitle >= 0 ? byTitle : ByNumber(level, value);
        }
        return GrubNumber.TryParseLeading(value, out var number)
            ? (number < (ulong)level.Count ? (int)number : -1)
            : IndexWhere(level, n => MatchesPrefix(n.Title, value) || MatchesPrefix(n.Id, value));
    }

    private static int ByNumber(IReadOnlyList<GrubMenuNode> level, string value) =>
        GrubNumber.TryParseLeading(value, out var number) && number < (ulong)level.Count ? (int)number : -1;

    private static int IndexWhere(IReadOnlyList<GrubMenuNode> level, Func<GrubMenuNode, bool> predicate)
    {
        for (var i = 0; i < level.Count; i++)
        {
            if (predicate(level[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static char At(string s, int index) => index < s.Length ? s[index] : '\0';
}
