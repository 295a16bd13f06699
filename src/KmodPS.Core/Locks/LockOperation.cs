namespace KmodPS.Core.Locks;

/// <summary>The kind of change a plan makes.</summary>
public enum LockOperation
{
    Pin,
    Exclude,
    Unlock,
}
