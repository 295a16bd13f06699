using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>zypper addlock/removelock command lines for a root (<c>--root</c>: zypper keeps the locks file inside it).</summary>
public static class ZypperLockCommands
{
    public static CommandAction AddLock(LockSnapshot snapshot, IEnumerable<string> specs) => Zypper(snapshot, "addlock", specs);

    public static CommandAction RemoveLock(LockSnapshot snapshot, IEnumerable<string> specs) => Zypper(snapshot, "removelock", specs);

    private static CommandAction Zypper(LockSnapshot snapshot, string verb, IEnumerable<string> specs)
    {
        var arguments = new List<string> { "--non-interactive" };
        if (!snapshot.IsHostRoot)
        {
            arguments.AddRange(new[] { "--root", snapshot.RootPath });
        }
        arguments.Add(verb);
        arguments.AddRange(specs);
        return CommandAction.Of(LockStore.ZyppLocks, new CommandRequest(snapshot.Program ?? "zypper", arguments) { Timeout = TimeSpan.FromMinutes(5) });
    }
}
