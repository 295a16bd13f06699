namespace KmodPS.Core.Boot;

/// <summary>A GRUB menu item: a menuentry (with the kernel it loads) or a submenu (with its children).</summary>
internal sealed class GrubMenuNode
{
    public GrubMenuNode(string title, string? id, bool isSubmenu)
    {
        Title = title;
        Id = id;
        IsSubmenu = isSubmenu;
    }

    public string Title { get; }

    public string? Id { get; }

    public bool IsSubmenu { get; }

    public List<GrubMenuNode> Children { get; } = new();

    /// <summary>The image of the first <c>linux</c> command (or a Xen <c>module</c> that loads a vmlinuz).</summary>
    public string? LinuxPath { get; set; }

    /// <summary>Set when the node stands for a BLS entry or another file it was read from.</summary>
    public BootEntry? Entry { get; set; }
}
