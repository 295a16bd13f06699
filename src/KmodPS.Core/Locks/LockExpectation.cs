namespace KmodPS.Core.Locks;

/// <summary>What the lock stores must show after a plan ran; checked by reading them back.</summary>
public sealed record LockExpectation(string Description, Func<IReadOnlyList<LockEntry>, bool> IsMet)
{
    public static LockExpectation Present(LockStore store, string key, string source) =>
        new($"{key} in {source}", entries => entries.Any(e => e.Store == store && e.Key == key));

    public static LockExpectation Absent(LockStore store, string key, string source) =>
        new($"no {key} in {source}", entries => !entries.Any(e => e.Store == store && e.Key == key));
}
