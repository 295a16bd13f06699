using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// The package-manager argument vectors Repair-KernelModule runs: <c>dnf install -y &lt;NEVRA&gt;</c> on the host;
/// for another root <c>--installroot &lt;root&gt; --setopt=reposdir=&lt;root&gt;/etc/yum.repos.d --releasever=N
/// --noplugins</c>, because dnf 4's plugins (versionlock, local, post-transaction-actions) read and write fixed
/// host paths even with <c>--installroot</c>.
/// </summary>
internal static class PackageCommands
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    public static CommandRequest DnfInstall(string tool, string root, bool isHostRoot, string? releaseVersion, string nevra)
    {
        var arguments = new List<string> { "install", "-y" };
        if (!isHostRoot)
        {
            arguments.AddRange(new[] { "--installroot", root, "--setopt=reposdir=" + root.TrimEnd('/') + "/etc/yum.repos.d" });
            if (releaseVersion is not null)
            {
                arguments.Add("--releasever=" + releaseVersion);
            }
            arguments.Add("--noplugins");
        }
        arguments.Add(nevra);
        return new CommandRequest(tool, arguments) { Timeout = Timeout };
    }
}
