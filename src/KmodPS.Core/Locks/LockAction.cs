namespace KmodPS.Core.Locks;

/// <summary>One step of a <see cref="LockPlan"/>: a native command or an atomic file edit inside the root.</summary>
public abstract record LockAction(LockStore Store, string Description);
