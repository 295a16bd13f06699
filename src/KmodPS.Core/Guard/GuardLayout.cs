using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>
/// Where the guard's hooks go for a distribution family. Debian: run-parts directories of the kernel packages
/// (names without dots, which run-parts would skip). <c>zzz-kmodps</c> sorts after dkms's own <c>dkms</c> hook and
/// after <c>zz-update-grub</c> / <c>zz-systemd-boot</c> in C-locale order, so the modules were built and the new
/// kernel's boot entry exists when the guard decides. RHEL: a kernel-install plugin
/// (ordered after <c>40-dkms.install</c>, <c>50-dracut</c>, <c>90-loaderentry</c> and grubby's default handling),
/// plus a dnf4 post-transaction action where that plugin's action directory exists.
/// </summary>
internal static class GuardLayout
{
    public const string KernelPostinst = "/etc/kernel/postinst.d/zzz-kmodps";
    public const string HeaderPostinst = "/etc/kernel/header_postinst.d/zzz-kmodps";
    public const string KernelInstallPlugin = "/etc/kernel/install.d/95-kmodps.install";
    public const string DnfActionDirectory = "/etc/dnf/plugins/post-transaction-actions.d";
    public const string DnfAction = DnfActionDirectory + "/kmodps.action";
    public const string StateDirectory = "/var/lib/kmodps";
    public const string StatePath = StateDirectory + "/guard.json";

    /// <summary>The hook paths for the family; empty when the guard does not support it.</summary>
    public static IReadOnlyList<(GuardHookKind Kind, string Path)> For(HostFamily family, ISystemRoot root) => family switch
    {
        HostFamily.Debian => new[] { (GuardHookKind.KernelPostinst, KernelPostinst), (GuardHookKind.HeaderPostinst, HeaderPostinst) },
        HostFamily.RedHat => root.DirectoryExists(DnfActionDirectory)
            ? new[] { (GuardHookKind.KernelInstallPlugin, KernelInstallPlugin), (GuardHookKind.DnfAction, DnfAction) }
            : new[] { (GuardHookKind.KernelInstallPlugin, KernelInstallPlugin) },
        _ => Array.Empty<(GuardHookKind, string)>(),
    };

    /// <summary>The kind of a known hook path, or null.</summary>
    public static GuardHookKind? KindOf(string path) => path switch
    {
        KernelPostinst => GuardHookKind.KernelPostinst,
        HeaderPostinst => GuardHookKind.HeaderPostinst,
        KernelInstallPlugin => GuardHookKind.KernelInstallPlugin,
        DnfAction => GuardHookKind.DnfAction,
        _ => null,
    };

    /// <summary>The hooks with their generated content.</summary>
    public static IReadOnlyList<GuardHook> Hooks(HostFamily family, ISystemRoot root, GuardOptions options) =>
        For(family, root).Select(h => GuardScript.Generate(h.Kind, h.Path, options)).ToList();
}
