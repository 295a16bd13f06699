namespace KmodPS.Core.Boot;

/// <summary>The value GRUB's <c>default</c> will hold at boot and where it comes from.</summary>
/// <param name="Value">The value; null or empty selects the first menu entry.</param>
/// <param name="Origin">A sentence fragment saying where the value comes from.</param>
/// <param name="OneShot">True when it holds for one boot only (<c>next_entry</c>).</param>
/// <param name="FromSavedEntry">True when it is grubenv's <c>saved_entry</c>.</param>
internal sealed record GrubSelector(string? Value, string Origin, bool OneShot, bool FromSavedEntry);
