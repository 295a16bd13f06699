using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// The dkms argument vectors Repair-KernelModule runs. On the host: <c>/usr/sbin/dkms &lt;verb&gt; ...</c>. For another
/// root dkms must act on that root's own paths (/var/lib/dkms, /lib/modules, /usr/src, its signing key), which it
/// only does when it runs inside it: <c>unshare --mount --propagation private --mount-proc=&lt;root&gt;/proc --
/// chroot &lt;root&gt; /usr/sbin/dkms ...</c>. The private mount namespace gives dkms the /proc it needs (its version
/// sanity check reads <c>&lt;(...)</c> through /dev/fd) for the command's lifetime without touching the host's mounts.
/// </summary>
internal static class DkmsCommands
{
    /// <summary>A DKMS build of a large module (NVIDIA) takes minutes on a slow machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(60);

    /// <summary>PATH for dkms and its helpers (make, gcc, depmod, sign-file) inside the root.</summary>
    public const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <param name="dkmsPath">dkms's path: on the host as found on PATH, for another root the path inside that root.</param>
    public static IReadOnlyList<string> Invocation(string root, bool isHostRoot, string dkmsPath) => isHostRoot
        ? new[] { dkmsPath }
        : new[] { "unshare", "--mount", "--propagation", "private", "--mount-proc=" + root.TrimEnd('/') + "/proc", "--", "chroot", root, dkmsPath };

    /// <summary><c>dkms &lt;verb&gt; [--force] -m &lt;module&gt; -v &lt;version&gt; -k &lt;kernel&gt;</c> through the invocation prefix.</summary>
    public static CommandRequest Command(IReadOnlyList<string> invocation, string verb, bool force, string module, string version, string kernel)
    {
        var arguments = invocation.Skip(1).Append(verb);
        if (force)
        {
            arguments = arguments.Append("--force");
        }
        return new CommandRequest(invocation[0], arguments.Concat(new[] { "-m", module, "-v", version, "-k", kernel }))
        {
            Timeout = Timeout,
            Environment = new Dictionary<string, string> { ["LC_ALL"] = "C", ["PATH"] = SearchPath },
        };
    }
}
