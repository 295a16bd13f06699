namespace KmodPS.Core.Locks;

/// <summary>
/// Replaces (or deletes, when <see cref="Edit"/> returns null) a file inside the root atomically, keeping the previous
/// content under <c>/var/lib/kmodps/backup</c>. The edit is applied to the file's content at execution time;
/// <see cref="Preview"/> is its result on the content the plan was made from.
/// </summary>
public sealed record FileEditAction(LockStore Store, string TreePath, Func<string?, string?> Edit, string? Preview, string Description)
    : LockAction(Store, Description);
