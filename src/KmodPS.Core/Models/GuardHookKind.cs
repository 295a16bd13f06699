namespace KmodPS.Core.Models;

/// <summary>The host extension point a guard hook is installed in.</summary>
public enum GuardHookKind
{
    /// <summary>Debian family: <c>/etc/kernel/postinst.d/zzz-kmodps</c> (run-parts, after dkms's own hook and zz-update-grub).</summary>
    KernelPostinst,

    /// <summary>Debian family: <c>/etc/kernel/header_postinst.d/zzz-kmodps</c> (after dkms builds for new headers).</summary>
    HeaderPostinst,

    /// <summary>RHEL family: the kernel-install plugin <c>/etc/kernel/install.d/95-kmodps.install</c>.</summary>
    KernelInstallPlugin,

    /// <summary>RHEL family with dnf4's post-transaction-actions plugin: <c>/etc/dnf/plugins/post-transaction-actions.d/kmodps.action</c>.</summary>
    DnfAction,
}
