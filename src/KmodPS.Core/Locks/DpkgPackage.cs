namespace KmodPS.Locks;

/// <summary>One stanza of dpkg's status file: selection (want), flag and state, and the names it depends on.</summary>
public sealed record DpkgPackage(string Name, string? Architecture, string? Version, string Want, string State, IReadOnlyList<string> Depends)
{
    /// <summary>True when dpkg considers the package installed (also half-configured, unpacked...).</summary>
    public bool IsInstalled => State is "installed" or "half-configured" or "unpacked" or "triggers-awaited" or "triggers-pending" or "half-installed";

    /// <summary>True when the selection is <c>hold</c> (what <c>apt-mark hold</c> sets).</summary>
    public bool IsHeld => Want == "hold";
}
