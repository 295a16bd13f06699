using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// Chooses the lock store from the root (its distribution family and its own dnf: a root whose <c>dnf</c> is dnf 5
/// keeps versionlock.toml) and the host program that changes it (the host's tool runs, pointed at the root).
/// </summary>
public static class LockBackendDetector
{
    public static LockBackend Detect(ISystemRoot root, HostFamily family)
    {
        var dpkg = DpkgOwnership.IsPresent(root);
        var rpm = RpmDatabase.IsPresent(root) || root.DirectoryExists("/etc/dnf") || root.DirectoryExists("/etc/zypp");
        return family switch
        {
            HostFamily.Debian => LockBackend.Apt,
            HostFamily.RedHat => RootUsesDnf5(root) ? LockBackend.Dnf5 : LockBackend.Dnf4,
            HostFamily.Suse => LockBackend.Zypper,
            _ when dpkg => LockBackend.Apt,
            _ when root.DirectoryExists("/etc/zypp") => LockBackend.Zypper,
            _ when rpm => RootUsesDnf5(root) ? LockBackend.Dnf5 : LockBackend.Dnf4,
            _ => LockBackend.None,
        };
    }

    /// <summary>The host program to run for a backend (a name found on PATH), or null when it is not installed.</summary>
    public static string? Program(LockBackend backend, ICommandRunner runner)
    {
        string? Find(string name) => runner.FindProgram(name) is null ? null : name;
        bool DnfIsDnf5() => runner.FindProgram("dnf") is { } dnf && LinkName(dnf) is { } target && target.StartsWith("dnf5", StringComparison.Ordinal);
        return backend switch
        {
            LockBackend.Dnf4 => (DnfIsDnf5() ? null : Find("dnf")) ?? Find("dnf-3") ?? Find("yum"),
            LockBackend.Dnf5 => Find("dnf5") ?? (DnfIsDnf5() ? "dnf" : null),
            LockBackend.Apt => Find("apt-mark"),
            LockBackend.Zypper => Find("zypper"),
            _ => null,
        };
    }

    /// <summary>The package that provides a backend's tool, for error messages.</summary>
    public static string ToolPackage(LockBackend backend) => backend switch
    {
        LockBackend.Dnf4 => "dnf",
        LockBackend.Dnf5 => "dnf5",
        LockBackend.Apt => "apt",
        LockBackend.Zypper => "zypper",
        _ => "a supported package manager (dnf, dnf5, apt, zypper)",
    };

    private static bool RootUsesDnf5(ISystemRoot root)
    {
        if (root.IsSymbolicLink("/usr/bin/dnf") && root.ReadLink("/usr/bin/dnf") is { } target && Path.GetFileName(target).StartsWith("dnf5", StringComparison.Ordinal))
        {
            return true;
        }
        return root.FileExists("/usr/bin/dnf5") && !root.FileExists("/usr/bin/dnf-3");
    }

    private static string? LinkName(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetFileName(target.FullName) : Path.GetFileName(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
