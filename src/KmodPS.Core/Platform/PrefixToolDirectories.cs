namespace KmodPS.Core.Platform;

/// <summary>
/// The directories a tool given the root as a prefix (<c>dnf --installroot</c>, <c>rpm --root</c>,
/// <c>apt-get -o Dir=</c> with <c>dpkg --root</c>, <c>zypper --root</c>) writes. Such a tool follows the root's links
/// as host paths, so <see cref="RootJail.RequireSameForPrefixTools"/> checks these before it runs.
/// </summary>
internal static class PrefixToolDirectories
{
    public static readonly string[] Dnf = { "/var/lib/dnf", "/var/lib/rpm", "/usr/lib/sysimage", "/var/cache/dnf", "/var/log", "/etc/dnf", "/etc/yum.repos.d" };

    public static readonly string[] Apt = { "/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt", "/var/log", "/etc/apt" };

    public static readonly string[] Zypper = { "/etc/zypp", "/var/lib/rpm", "/usr/lib/sysimage", "/var/cache/zypp", "/var/log", "/run" };
}
