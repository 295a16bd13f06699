namespace KmodPS.Core.Boot;

/// <summary>What boots next.</summary>
/// <param name="Loader">The boot loader whose configuration decides it.</param>
/// <param name="KernelVersion">The kernel release that boots next; null when it cannot be known (the log says why).</param>
/// <param name="EntryId">The menu entry that boots next, when one was resolved.</param>
/// <param name="IsOneShot">True when a one-time selection (<c>next_entry</c>, <c>LoaderEntryOneShot</c>) decides it.</param>
/// <param name="Explanation">How it was resolved, or why it cannot be known.</param>
public sealed record NextBoot(BootLoaderKind Loader, string? KernelVersion, string? EntryId, bool IsOneShot, string Explanation);
