namespace KmodPS.Core.Locks;

/// <summary>A file on this machine that a command needs while it runs (created before, deleted after).</summary>
public sealed record TemporaryFile(string Path, string Content);
