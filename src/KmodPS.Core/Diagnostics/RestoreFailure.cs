namespace KmodPS.Core.Diagnostics;

/// <summary>
/// A change failed and putting the previous state back failed too. One error, not two: its id is
/// <see cref="ErrorIds.RestoreFailed"/>, its message starts with the original failure's id and message (which stays
/// in <see cref="Failure.Cause"/>), then names every path or undo step that is not back to its previous state.
/// </summary>
internal static class RestoreFailure
{
    /// <param name="original">The failure that made the restore necessary (DefaultNotApplied, LockNotApplied...).</param>
    /// <param name="leftToCheck">Each path (or undo command) not restored, with why: "/w/boot/grub2/grubenv (Access denied)".</param>
    public static Failure Of(Failure original, IReadOnlyCollection<string> leftToCheck) => new(
        ErrorIds.RestoreFailed, FailureCategory.WriteError,
        // A refusal's "Nothing was changed." was true only if the restore had worked.
        $"{original.ErrorId}: {original.Message.Replace(" Nothing was changed.", string.Empty, StringComparison.Ordinal).TrimEnd()} Restoring the previous state then failed; check these by hand: {string.Join("; ", leftToCheck)}.",
        original.Target,
        "Compare each path named with its .kmodps.bak backup where one exists, put the previous content back, then run the command again.")
    {
        Cause = original,
    };
}
