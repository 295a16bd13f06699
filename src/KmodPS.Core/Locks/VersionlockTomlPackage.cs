namespace KmodPS.Core.Locks;

/// <summary>One <c>[[packages]]</c> entry of dnf 5's versionlock.toml, with the lines it spans in the file.</summary>
public sealed record VersionlockTomlPackage(string Name, string? Comment, IReadOnlyList<VersionlockCondition> Conditions, int FirstLine, int LineCount)
{
    /// <summary>True when every condition is <c>evr != value</c>: what <c>dnf5 versionlock exclude</c> writes.</summary>
    public bool IsExclude => Conditions.Count > 0 && Conditions.All(c => c.Key == "evr" && c.Comparator is "!=" or "<>");
}
