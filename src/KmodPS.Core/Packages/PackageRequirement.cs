namespace KmodPS.Core.Packages;

/// <summary>
/// One requirement of a package: for RPM a name with an optional comparison (<c>kernel-uname-r = 5.14.0-...</c>);
/// for Debian one dependency clause whose <see cref="Alternatives"/> are the package names of <c>a | b</c>.
/// </summary>
public sealed record PackageRequirement(string Name, string? Flags, string? Version, IReadOnlyList<string> Alternatives)
{
    /// <summary>An RPM requirement.</summary>
    public static PackageRequirement Rpm(string name, string? flags, string? version) =>
        new(name, string.IsNullOrEmpty(flags) ? null : flags, string.IsNullOrEmpty(version) ? null : version, new[] { name });

    /// <summary>A Debian clause of alternatives (names without version constraints or architecture qualifiers).</summary>
    public static PackageRequirement Debian(IReadOnlyList<string> alternatives) =>
        new(alternatives.Count > 0 ? alternatives[0] : string.Empty, null, null, alternatives);

    public override string ToString() => Flags is null ? string.Join(" | ", Alternatives) : $"{Name} {Flags} {Version}";
}
