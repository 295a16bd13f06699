using KmodPS.Core.Models;

namespace KmodPS.Core.Hosts;

/// <summary>Maps os-release ID and ID_LIKE onto a <see cref="HostFamily"/>.</summary>
internal static class HostFamilyClassifier
{
    private static readonly (string Id, HostFamily Family)[] KnownIds =
    {
        ("rhel", HostFamily.RedHat), ("fedora", HostFamily.RedHat), ("centos", HostFamily.RedHat),
        ("almalinux", HostFamily.RedHat), ("rocky", HostFamily.RedHat), ("ol", HostFamily.RedHat),
        ("amzn", HostFamily.RedHat),
        ("debian", HostFamily.Debian), ("ubuntu", HostFamily.Debian),
        ("suse", HostFamily.Suse), ("sles", HostFamily.Suse), ("opensuse", HostFamily.Suse),
        ("opensuse-leap", HostFamily.Suse), ("opensuse-tumbleweed", HostFamily.Suse),
    };

    public static HostFamily Classify(string? id, IEnumerable<string> idLike)
    {
        foreach (var candidate in new[] { id }.Concat(idLike))
        {
            var match = KnownIds.FirstOrDefault(k => string.Equals(k.Id, candidate, StringComparison.OrdinalIgnoreCase));
            if (match.Id is not null)
            {
                return match.Family;
            }
        }
        return HostFamily.Unknown;
    }
}
