namespace KmodPS.Core.Locks;

/// <summary>
/// One lock line of a dnf 4 versionlock.list: <c>kernel-0:5.14.0-611.41.1.el9_7.*</c> (pin) or
/// <c>!kernel*-5.14.0-611.45.1.el9_7.*</c> (exclude), split like the plugin's NEVRA forms.
/// </summary>
public sealed record VersionlockListEntry(string Line, bool IsExclude, string Name, string? Epoch, string? Version, string? Release, string? Arch)
{
    /// <summary>The spec without the <c>!</c> prefix.</summary>
    public string Spec => IsExclude ? Line[1..] : Line;

    /// <summary><c>epoch:version-release</c> (epoch only when written), or null for a bare name.</summary>
    public string? Evr => Version is null ? null : $"{(Epoch is null ? string.Empty : Epoch + ":")}{Version}{(Release is null ? string.Empty : "-" + Release)}";

    /// <summary>Parses one non-comment line; the plugin's own form is <c>name-epoch:version-release.arch</c>.</summary>
    public static VersionlockListEntry Parse(string line)
    {
        var text = line.Trim();
        var isExclude = text.StartsWith('!');
        var spec = isExclude ? text[1..] : text;
        string? arch = null;
        var body = spec;
        var lastDot = spec.LastIndexOf('.');
        var lastDash = spec.LastIndexOf('-');
        if (lastDot > lastDash && lastDash > 0)
        {
            arch = spec[(lastDot + 1)..];
            body = spec[..lastDot];
        }
        var releaseDash = body.LastIndexOf('-');
        var versionDash = releaseDash > 0 ? body.LastIndexOf('-', releaseDash - 1) : -1;
        if (releaseDash <= 0 || versionDash <= 0 || !char.IsDigit(body[versionDash + 1]) && body.IndexOf(':', versionDash) < 0)
        {
            return new VersionlockListEntry(text, isExclude, spec, null, null, null, null);
        }
        var name = body[..versionDash];
        var version = body[(versionDash + 1)..releaseDash];
        var release = body[(releaseDash + 1)..];
        string? epoch = null;
        var colon = version.IndexOf(':');
        if (colon >= 0)
        {
            epoch = version[..colon];
            version = version[(colon + 1)..];
        }
        return new VersionlockListEntry(text, isExclude, name, epoch, version, release, arch);
    }
}
