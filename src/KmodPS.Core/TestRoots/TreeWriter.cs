using System.Text;
using KmodPS.Core.Platform;

namespace KmodPS.Core.TestRoots;

/// <summary>
/// Writes files, links and times under a directory that plays the role of <c>/</c>, through the root's
/// <see cref="RootJail"/>: a link the scenario itself created (absolute, like DKMS's <c>source</c>) is followed
/// inside the new tree, never out of it.
/// </summary>
internal sealed class TreeWriter
{
    private readonly RootJail _jail;

    public TreeWriter(string root)
    {
        // The tree's own directory is the caller's path (it may not exist yet); everything below it goes through the jail.
        Directory.CreateDirectory(root);
        _jail = new RootJail(root);
    }

    public void Text(string path, string content) => Bytes(path, Encoding.UTF8.GetBytes(content));

    public void Bytes(string path, byte[] content) => _jail.WriteFile(path, content);

    public void Folder(string path) => _jail.CreateDirectory(path);

    public void Link(string path, string target) => _jail.CreateSymbolicLink(path, target);

    public void Touch(string path, DateTime utc) => _jail.SetLastWriteTimeUtc(path, utc);
}
