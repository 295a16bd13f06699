namespace KmodPS.Core.Boot;

/// <summary>A planned whole-file replacement inside a root (written atomically, with a backup).</summary>
public sealed record FileEdit(string Path, string NewContent, string Description);
