namespace KmodPS.Core.Packages;

/// <summary>
/// One stanza of dpkg's status file: selection (want) and state from <c>Status: want flag state</c>, and the
/// <c>Pre-Depends</c> then <c>Depends</c> clauses, each clause being its alternatives (<c>a | b</c>).
/// </summary>
public sealed record DpkgPackage(string Name, string? Architecture, string? Version, string Want, string State, IReadOnlyList<PackageRequirement> Requires)
{
    /// <summary>True when dpkg considers the package installed (also half-configured, unpacked...).</summary>
    public bool IsInstalled => State is "installed" or "half-configured" or "unpacked" or "triggers-awaited" or "triggers-pending" or "half-installed";

    /// <summary>True when dpkg has anything of the package on the system: installed, partly installed, or only its configuration files.</summary>
    public bool IsOnSystem => IsInstalled || State == "config-files";

    /// <summary>True when the selection is <c>hold</c> (what <c>apt-mark hold</c> sets).</summary>
    public bool IsHeld => Want == "hold";

    /// <summary>Every package name of <see cref="Requires"/> (alternatives included, versions and arch qualifiers dropped).</summary>
    public IReadOnlyList<string> Depends => Requires.SelectMany(r => r.Alternatives).ToList();

    /// <summary>The package as the package-database view of <see cref="InstalledPackage"/> (no epoch or release: a Debian package).</summary>
    public InstalledPackage ToInstalledPackage() => new(Name, null, Version ?? string.Empty, null, Architecture, Requires, IsHeld);
}
