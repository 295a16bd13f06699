namespace KmodPS.Core.Platform;

/// <summary>
/// A write under a root was refused because the path would lead outside it: a link that changed after the path was
/// resolved, a /proc magic link, or a link a tool given the root as a prefix would follow out of it. Nothing was changed.
/// </summary>
public sealed class PathOutsideRootException : IOException
{
    public PathOutsideRootException(string rootPath, string treePath, string reason)
        : base($"{treePath} is not written: {reason}. KmodPS writes only inside the root {rootPath}; nothing was changed.")
    {
        RootPath = rootPath;
        TreePath = treePath;
    }

    public string RootPath { get; }

    /// <summary>The path inside the root that was to be written.</summary>
    public string TreePath { get; }
}
