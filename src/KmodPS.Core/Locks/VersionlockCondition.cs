namespace KmodPS.Core.Locks;

/// <summary>A <c>[[packages.conditions]]</c> entry: key (<c>evr</c>, <c>epoch</c>, <c>arch</c>), comparator and value.</summary>
public sealed record VersionlockCondition(string Key, string Comparator, string Value)
{
    public override string ToString() => $"{Key} {Comparator} {Value}";
}
