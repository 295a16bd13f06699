using System.Text;

namespace KmodPS.TestRoots;

/// <summary>Writes files, links and times under a directory that plays the role of <c>/</c>.</summary>
internal sealed class TreeWriter
{
    private readonly string _root;

    public TreeWriter(string root)
    {
        _root = root;
    }

    public string Real(string path) => Path.Combine(_root, path.TrimStart('/'));

    public void Text(string path, string content) => Bytes(path, Encoding.UTF8.GetBytes(content));

    public void Bytes(string path, byte[] content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Real(path))!);
        File.WriteAllBytes(Real(path), content);
    }

    public void Folder(string path) => System.IO.Directory.CreateDirectory(Real(path));

    public void Link(string path, string target)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Real(path))!);
        File.CreateSymbolicLink(Real(path), target);
    }

    public void Touch(string path, DateTime utc) => File.SetLastWriteTimeUtc(Real(path), utc);
}
