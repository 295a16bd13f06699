using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>The lock stores KmodPS reads and changes (recorded by name in locks.json).</summary>
public enum LockStore
{
    /// <summary>dnf 4 versionlock plugin: <c>/etc/dnf/plugins/versionlock.list</c> (path from versionlock.conf <c>locklist</c>).</summary>
    DnfVersionlockList,

    /// <summary>dnf 5 versionlock: <c>/etc/dnf/versionlock.toml</c>.</summary>
    DnfVersionlockToml,

    /// <summary>dpkg selections (<c>apt-mark hold</c>): <c>Status: hold ...</c> in <c>/var/lib/dpkg/status</c>.</summary>
    DpkgHold,

    /// <summary>apt preferences with a negative Pin-Priority: <c>/etc/apt/preferences.d/*</c>.</summary>
    AptPreferences,

    /// <summary>libzypp locks: <c>/etc/zypp/locks</c>.</summary>
    ZyppLocks,
}

/// <summary>
/// One package manager's kernel locks: its stores (where they are, how to read them), how to pin, exclude and unlock
/// through it, how its command failures read, and the ways its locks silently do not hold.
/// </summary>
internal interface ILockBackend
{
    /// <summary>The package that provides the tool, for messages: dnf, dnf5, apt, zypper.</summary>
    string ToolPackage { get; }

    /// <summary>The stores this backend reads and changes.</summary>
    IReadOnlyList<LockStore> Stores { get; }

    /// <summary>The host program that changes the stores (a name found on PATH), or null when it is not installed.</summary>
    string? FindProgram(ICommandRunner runner);

    /// <summary>Reads this backend's stores of a root into <paramref name="contents"/>.</summary>
    LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents);

    /// <summary>The kernel-related locks of this backend's stores (pure).</summary>
    IEnumerable<LockEntry> Entries(LockStoreContents contents);

    /// <summary>Why nothing can be locked through this backend (dnf 4 without its plugin), or null.</summary>
    Failure? Refusal(LockSnapshot snapshot, string kernelVersion);

    void Pin(LockSnapshot snapshot, LockPlanBuilder plan, string kernelVersion);

    void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release);

    /// <summary>Removes <paramref name="targets"/> (entries of this backend's stores); may drop targets it leaves (with a warning).</summary>
    void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets);

    /// <summary>Turns a failed command of this tool into the failure users can act on.</summary>
    Failure Classify(CommandResult result, string kernel);

    /// <summary>Known ways a lock of this backend silently does not do what it says (warnings).</summary>
    IEnumerable<string> Traps(LockSnapshot snapshot, bool locking);
}

/// <summary>The four backends, and which one a root uses.</summary>
internal static class LockBackends
{
    public static readonly Dnf4Locks Dnf4 = new();
    public static readonly Dnf5Locks Dnf5 = new();
    public static readonly AptLocks Apt = new();
    public static readonly ZypperLocks Zypper = new();

    public static IReadOnlyList<ILockBackend> All { get; } = new ILockBackend[] { Dnf4, Dnf5, Apt, Zypper };

    public static ILockBackend Owning(LockStore store) => All.First(b => b.Stores.Contains(store));

    /// <summary>
    /// The backend of a root, from its distribution family and its own dnf (a root whose <c>dnf</c> is dnf 5 keeps
    /// versionlock.toml); null when the root has no supported package manager.
    /// </summary>
    public static ILockBackend? Detect(ISystemRoot root, HostFamily family)
    {
        var rpm = RpmDatabase.IsPresent(root) || root.DirectoryExists("/etc/dnf") || root.DirectoryExists("/etc/zypp");
        return family switch
        {
            HostFamily.Debian => Apt,
            HostFamily.RedHat => DnfLocks.RootUsesDnf5(root) ? Dnf5 : Dnf4,
            HostFamily.Suse => Zypper,
            _ when DpkgOwnership.IsPresent(root) => Apt,
            _ when root.DirectoryExists("/etc/zypp") => Zypper,
            _ when rpm => DnfLocks.RootUsesDnf5(root) ? Dnf5 : Dnf4,
            _ => null,
        };
    }

    /// <summary>
    /// A step that runs one lock command: its description shows the extra environment (HOME) as a shell would; before
    /// it runs, the directories the tool writes must resolve the same inside the root as on the host (it follows links
    /// itself), and a failure is classified by the backend.
    /// </summary>
    public static CommandChange Command(this ILockBackend backend, string target, CommandRequest request, string[] prefixToolDirectories,
        IReadOnlyList<TemporaryFile>? temporaryFiles = null, Action<RootJail>? check = null, ChangeStep? undo = null)
    {
        var environment = request.Environment.Where(e => e.Key != "LC_ALL").Select(e => $"{e.Key}={ShellQuote.Quote(e.Value)} ");
        return new CommandChange(request, result => result.Succeeded ? null : backend.Classify(result, target), temporaryFiles,
            context =>
            {
                context.Jail.RequireSameForPrefixTools(prefixToolDirectories);
                check?.Invoke(context.Jail);
                return context.Runner.FindProgram(request.FileName) is null ? LockFailures.PackageManagerNotFound(target, backend, context.Root.RootPath) : null;
            },
            string.Concat(environment) + request.DisplayText) { Undo = undo };
    }

    /// <summary>The first lines of a tool's output, for messages.</summary>
    public static string FirstLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" ", lines.Take(3));
    }

    /// <summary>The failure of a lock command: another process holds the tool's lock, or the change did not take.</summary>
    public static Failure CommandFailed(CommandResult result, string kernel, bool locked)
    {
        var output = Output(result);
        if (locked)
        {
            return LockFailures.PackageManagerLocked(kernel, result.Request.DisplayText, FirstLines(output));
        }
        var reason = result.TimedOut ? $"timed out after {result.Request.Timeout}" : $"exit code {result.ExitCode}";
        return LockFailures.NotApplied(kernel, $"{result.Request.DisplayText} failed ({reason}): {FirstLines(output)}");
    }

    public static string Output(CommandResult result) => (result.StandardError + "\n" + result.StandardOutput).Trim();
}
