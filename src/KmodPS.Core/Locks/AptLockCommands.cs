using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// apt-mark command lines for a root. <c>-o Dir=</c> alone is not enough: apt-mark writes selections through
/// <c>dpkg --set-selections</c>, which would act on the host's database; <c>DPkg::Options::=--root=</c> points dpkg
/// at the root too (checked in the lab: the root's status changes, the host's does not).
/// </summary>
public static class AptLockCommands
{
    public static CommandAction Hold(LockSnapshot snapshot, IEnumerable<string> packages) => AptMark(snapshot, "hold", packages);

    public static CommandAction Unhold(LockSnapshot snapshot, IEnumerable<string> packages) => AptMark(snapshot, "unhold", packages);

    private static CommandAction AptMark(LockSnapshot snapshot, string verb, IEnumerable<string> packages)
    {
        var arguments = new List<string>();
        if (!snapshot.IsHostRoot)
        {
            arguments.AddRange(new[] { "-o", "Dir=" + snapshot.RootPath, "-o", "DPkg::Options::=--root=" + snapshot.RootPath });
        }
        arguments.Add(verb);
        arguments.AddRange(packages);
        return CommandAction.Of(LockStore.DpkgHold, new CommandRequest(snapshot.Program ?? "apt-mark", arguments) { Timeout = TimeSpan.FromMinutes(5) });
    }
}
